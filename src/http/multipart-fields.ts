// The one file that uses busboy: reads the text fields of a multipart/form-data body (what PHP's curl
// sends when CURLOPT_POSTFIELDS is an array). File parts are not part of the Picky contract and are skipped.
import busboy from 'busboy';

export function readMultipartFields(contentType: string, body: Buffer): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const fields: Record<string, string> = {};
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: { 'content-type': contentType }, limits: { fieldSize: body.length } });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (_name, stream) => stream.resume());
    parser.on('error', (error) => reject(error instanceof Error ? error : new Error(String(error))));
    parser.on('close', () => resolve(fields));
    parser.end(body);
  });
}
