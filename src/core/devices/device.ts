// A paired device (a phone running the bridge app, or the reference agent) and what it last reported.

export interface DeviceStatus {
  battery?: number;
  charging?: boolean;
  /** 0 = not connected; 1-100 signal strength. */
  wifi?: number;
  internet?: string;
  /** Mobile signal 0-100 and network operator, from devices that report them (a GSM modem). */
  signal?: number;
  operator?: string;
  freeDiskMb?: number;
  queueMessages?: number;
  queueCalls?: number;
  cloudRegistered?: boolean;
}

export interface Device {
  id: number;
  projectId: number;
  /** The device's own stable id (`device_id` in the protocol). */
  deviceKey: string;
  tokenHash: string;
  phoneName: string;
  appVersion: string;
  applications: number[];
  delayMs: number;
  lastStatus: DeviceStatus;
  isOnline: boolean;
  nodeId: string;
  lastSeenAt: number;
  isMessageQueuePaused: boolean;
  isCallQueuePaused: boolean;
  /** Members it can join in one call (application 4); below 2 it cannot place conferences at all. */
  maxCallMembers: number;
  /** How it talks to the gateway: the bridge WebSocket, or the SMS Gateway for Android app's mobile API. */
  transport: DeviceTransport;
  /** App phones: the secret of their inbound-SMS webhook URL ('' for bridge devices). */
  hookSecret: string;
  createdAt: number;
}

export type DeviceTransport = 'bridge' | 'android';

export interface DeviceHello {
  projectId: number;
  deviceKey: string;
  phoneName: string;
  appVersion: string;
  applications: number[];
  delayMs: number;
  maxCallMembers: number;
  /** Default 'bridge'. Fixed at the first pairing: a reconnection over the other transport is refused. */
  transport?: DeviceTransport;
  hookSecret?: string;
}

export type QueueKind = 'message' | 'call';
