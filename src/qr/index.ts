// QR codes and the pairing URI they carry.
export { qrPngBase64, qrTerminalText } from './qr-code.js';
export { pairingUri, parsePairingUri } from './pairing-uri.js';
