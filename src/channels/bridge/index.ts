// The phone bridge channel (applications 1-4).
export { BridgeChannel, type BridgeChannelDeps } from './bridge-channel.js';
export type { ConnectedDevice, DeviceDirectory } from './connected-device.js';
