// The GSM modem driver of the bridge agent: AT commands over a serial port (see docs/devices.md).
export { modemDriver, type ModemDriverOptions } from './modem-driver.js';
