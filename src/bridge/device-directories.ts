// Every device connected to this node, whichever way it talks: bridge devices over the WebSocket and
// phones running the SMS Gateway for Android app over its mobile API. The dispatcher, the bridge channel
// and device-action see them as one set.
import type { DeviceCommand, DeviceLink } from '../core/index.js';
import type { ConnectedDevice, DeviceDirectory } from '../channels/bridge/index.js';
import type { AppPhoneHub } from './app-phone-hub.js';
import type { BridgeHub } from './bridge-hub.js';

export class DeviceDirectories implements DeviceDirectory, DeviceLink {
  constructor(
    private readonly bridge: BridgeHub,
    private readonly phones: AppPhoneHub,
  ) {}

  connected(deviceId: number): ConnectedDevice | undefined {
    return this.bridge.connected(deviceId) ?? this.phones.connected(deviceId);
  }

  connectedFor(projectId: number): ConnectedDevice[] {
    return [...this.bridge.connectedFor(projectId), ...this.phones.connectedFor(projectId)];
  }

  connectedProjects(): number[] {
    return [...new Set([...this.bridge.connectedProjects(), ...this.phones.connectedProjects()])];
  }

  sendCommand(deviceId: number, command: DeviceCommand): boolean {
    return this.bridge.sendCommand(deviceId, command) || this.phones.sendCommand(deviceId, command);
  }

  wake(projectId: number): void {
    this.bridge.wake(projectId);
  }

  disconnectProject(projectId: number): void {
    this.bridge.disconnectProject(projectId);
    this.phones.disconnectProject(projectId);
  }
}
