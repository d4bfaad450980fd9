// The one file that loads `serialport`: opens a serial device (a USB modem's /dev/ttyUSB*, or a test's
// pseudo-terminal) and exposes just text in, text out, and the moment it goes away.
import { SerialPort } from 'serialport';

export interface SerialLink {
  write(text: string): void;
  /** Closes the port; `onClosed` is called once either way. */
  close(): void;
}

export interface SerialLinkEvents {
  onData(text: string): void;
  /** The port closed: unplugged, a read or write error, or close(). Called once. */
  onClosed(error?: Error): void;
}

export type OpenSerialLink = (path: string, baudRate: number, events: SerialLinkEvents) => Promise<SerialLink>;

export class SerialOpenError extends Error {
  constructor(path: string, options: ErrorOptions) {
    super(`cannot open ${path}: ${(options.cause as Error)?.message ?? 'unknown error'}`, options);
    this.name = 'SerialOpenError';
  }
}

/** Opens `path` 8N1 without flow control, as AT modems expect. Rejects with SerialOpenError. */
export const openSerialLink: OpenSerialLink = (path, baudRate, events) =>
  new Promise((resolve, reject) => {
    let isOpen = false;
    let isClosed = false;
    const closed = (error?: Error) => {
      if (isClosed) return;
      isClosed = true;
      // A write error leaves the port open: close it, so that a reconnect can open the device again.
      if (port.isOpen) port.close(() => undefined);
      events.onClosed(error);
    };
    const port = new SerialPort({ path, baudRate, autoOpen: false, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false });
    // A stream without an 'error' listener would throw from an unplugged modem; every error ends the link.
    port.on('error', (error: Error) => {
      if (isOpen) closed(error);
    });
    port.on('close', (error?: Error) => closed(error ?? undefined));
    port.on('data', (chunk: Buffer) => events.onData(chunk.toString('latin1')));
    port.open((error) => {
      if (error) return reject(new SerialOpenError(path, { cause: error }));
      isOpen = true;
      resolve({
        write: (text) => {
          if (!port.isOpen) return;
          port.write(Buffer.from(text, 'latin1'), (writeError) => {
            if (writeError) closed(writeError);
          });
        },
        close: () => {
          closed();
        },
      });
    });
  });
