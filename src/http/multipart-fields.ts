// The one file that uses busboy: reads the text fields of a multipart/form-data body (what PHP's curl
// sends when CURLOPT_POSTFIELDS is an array). File parts are not part of the Picky contract and are skipped.
import busboy from 'busboy';

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

export function readMultipartFields(contentType: string, body: Buffer): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, limits: { fieldSize: body.length } });
    } catch (error) {
      reject(asError(error));
      return;
    }
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    // A body cut off inside a file part fails that part's stream too ("Unexpected end of form"): without a
    // listener of its own, that 'error' is unhandled and ends the process. The parser reports it as well.
    parser.on('file', (_name, stream) => {
      stream.on('error', (error) => reject(asError(error)));
      stream.resume();
    });
    parser.on('error', (error) => reject(asError(error)));
    parser.on('close', () => resolve(fields));
    parser.end(body);
  });
}
