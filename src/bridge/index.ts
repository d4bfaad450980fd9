// The device protocol: frames, and the hub that serves phones and bridge agents over WebSocket.
export * from './frames.js';
export { BridgeHub, BRIDGE_PATH, type BridgeHubDeps, type BridgeSettings } from './bridge-hub.js';
export { callFrame } from './call-frame.js';
export { AppPhoneHub, type AppPhoneHubDeps, type AppPhoneHubSettings, type AppRegistration, type RegistrationRefusal } from './app-phone-hub.js';
export { AppPhone, type EventSink } from './app-phone.js';
export { DeviceDirectories } from './device-directories.js';
