// The device protocol, versions 1 and 2: the single definition of every frame that travels between the
// gateway and a phone (or the reference bridge agent) over the WebSocket at /bridge/v1.
// docs/device-protocol.md is checked against this file by a test.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CALL_STATUS_NAMES } from '../core/calls/conference.js';
import { DEVICE_COMMANDS, type DeviceCommand } from '../core/devices/device-commands.js';
import { NUL_REFUSAL, containsNulCharacter } from '../core/nul-character.js';
import { withWellFormedText } from '../core/well-formed-text.js';

export { DEVICE_COMMANDS, type DeviceCommand };

/** The newest version; a device that says `v: 1` in its hello is served version 1. */
export const PROTOCOL_VERSION = 2;
export const PROTOCOL_VERSIONS: readonly number[] = [1, 2];
/** Items in one batch frame (`sends`, `reports`, `report_acks`), at most. */
export const MAX_BATCH_ITEMS = 1000;
/** Largest frame either side may send, in bytes. */
export const MAX_FRAME_BYTES = 256 * 1024;


const MsgId = Type.String({ pattern: '^[0-9]{1,15}$' });
const Short = (max: number) => Type.String({ maxLength: max });
const PhoneApplication = Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3), Type.Literal(4)]);

function frame<T extends string, P extends Record<string, TSchema>>(type: T, properties: P) {
  return Type.Object({ type: Type.Literal(type), ...properties }, { additionalProperties: false });
}

// Device → gateway.
export const HelloFrame = frame('hello', {
  v: Type.Integer(),
  license_key: Type.Optional(Short(64)),
  device_token: Type.Optional(Short(128)),
  device_id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' }),
  phone_name: Type.Optional(Short(64)),
  app_version: Type.Optional(Short(32)),
  applications: Type.Array(PhoneApplication, { minItems: 1, maxItems: 4, uniqueItems: true }),
  delay_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000 })),
  /** Members the phone can join in one call (default 5; 0: its platform cannot place conferences). */
  max_call_members: Type.Optional(Type.Integer({ minimum: 0, maximum: 5 })),
});
/** The largest count a status reports (a 32-bit integer): `1e300` is no disk size a phone has. */
const MAX_COUNT = 2_147_483_647;
export const StatusFrame = frame('status', {
  battery: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  charging: Type.Optional(Type.Boolean()),
  wifi: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  internet: Type.Optional(Short(16)),
  /** Mobile signal, 0–100 (a GSM modem's +CSQ), and the network operator's name. */
  signal: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  operator: Type.Optional(Short(64)),
  free_disk_mb: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_COUNT })),
  queue_messages: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_COUNT })),
  queue_calls: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_COUNT })),
  cloud_registered: Type.Optional(Type.Boolean()),
});
export const AckFrame = frame('ack', { msg_id: MsgId });
export const SentFrame = frame('sent', { msg_id: MsgId });
export const DeliveredFrame = frame('delivered', { msg_id: MsgId });
export const FailedFrame = frame('failed', { msg_id: MsgId, reason: Short(500), retryable: Type.Optional(Type.Boolean()) });
export const InboundFrame = frame('inbound', {
  id: Type.String({ minLength: 1, maxLength: 128 }),
  application: PhoneApplication,
  number: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.Optional(Short(128)),
  msg_type: Type.Integer({ minimum: 1, maximum: 9 }),
  text: Type.Optional(Short(65_536)),
  media_url: Type.Optional(Short(2048)),
  quoted_msg_id: Type.Optional(Short(64)),
  at: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  location: Type.Optional(
    Type.Object(
      { lat: Type.Number({ minimum: -90, maximum: 90 }), long: Type.Number({ minimum: -180, maximum: 180 }), name: Type.Optional(Short(256)), address: Type.Optional(Short(512)), url: Type.Optional(Short(2048)) },
      { additionalProperties: false },
    ),
  ),
  contacts: Type.Optional(Type.Array(Type.Record(Type.String({ maxLength: 64 }), Short(256)), { maxItems: 20 })),
  payload: Type.Optional(Short(1024)),
  interactive: Type.Optional(Type.Object({ type: Type.Union([Type.Literal(1), Type.Literal(2)]), id: Short(256), description: Short(1024) }, { additionalProperties: false })),
  group_id: Type.Optional(Short(128)),
  group_name: Type.Optional(Short(256)),
  mentions: Type.Optional(Type.Array(Short(64), { maxItems: 256 })),
});
export const GroupEventFrame = frame('group_event', {
  id: Type.String({ minLength: 1, maxLength: 128 }),
  application: PhoneApplication,
  group_id: Type.String({ minLength: 1, maxLength: 128 }),
  group_subject: Short(256),
  number: Type.String({ minLength: 1, maxLength: 64 }),
  /** 1 joined, 2 left. */
  action: Type.Union([Type.Literal(1), Type.Literal(2)]),
});
// Calls: a member call's progress, and a call the phone received or missed.
const CallStatusName = Type.Union(CALL_STATUS_NAMES.map((name) => Type.Literal(name)));
export const CallStatusFrame = frame('call_status', {
  push_id: MsgId,
  call_id: MsgId,
  status: CallStatusName,
  /** Seconds talked, for a completed call. */
  duration: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  reason: Type.Optional(Short(500)),
});
export const InboundCallFrame = frame('inbound_call', {
  id: Type.String({ minLength: 1, maxLength: 128 }),
  number: Type.String({ minLength: 1, maxLength: 64 }),
  name: Type.Optional(Short(128)),
  missed: Type.Boolean(),
  duration: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
  at: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
});
/** Version 2: several delivery reports (and acks) in one frame, handled in order. */
export const ReportsFrame = frame('reports', { reports: Type.Array(Type.Union([AckFrame, SentFrame, DeliveredFrame, FailedFrame]), { minItems: 1, maxItems: MAX_BATCH_ITEMS }) });
export const CommandResultFrame = frame('command_result', { command_id: Short(64), ok: Type.Boolean(), detail: Type.Optional(Short(500)) });

export const DeviceFrame = Type.Union([HelloFrame, StatusFrame, AckFrame, SentFrame, DeliveredFrame, FailedFrame, ReportsFrame, InboundFrame, GroupEventFrame, CommandResultFrame, CallStatusFrame, InboundCallFrame]);
export type DeviceFrame = Static<typeof DeviceFrame>;
export type HelloFrame = Static<typeof HelloFrame>;
export type StatusFrame = Static<typeof StatusFrame>;
export type InboundFrame = Static<typeof InboundFrame>;
export type GroupEventFrame = Static<typeof GroupEventFrame>;
export type CallStatusFrame = Static<typeof CallStatusFrame>;
export type InboundCallFrame = Static<typeof InboundCallFrame>;
export type ReportsFrame = Static<typeof ReportsFrame>;

// Gateway → device.
export const WelcomeFrame = frame('welcome', {
  v: Type.Integer(),
  device_id: Type.String(),
  device_token: Type.String(),
  project_id: Type.String(),
  delay_ms: Type.Integer({ minimum: 0 }),
  heartbeat_ms: Type.Integer({ minimum: 1000 }),
  message_queue_paused: Type.Boolean(),
  call_queue_paused: Type.Boolean(),
});
export const REFUSAL_REASONS = ['bad_hello', 'unsupported_version', 'bad_license', 'project_not_active', 'replaced'] as const;
export const RefusedFrame = frame('refused', { reason: Type.Union(REFUSAL_REASONS.map((reason) => Type.Literal(reason))), detail: Type.String() });
const sendFields = {
  msg_id: MsgId,
  application: PhoneApplication,
  number: Type.String(),
  kind: Type.String(),
  text: Type.String(),
  media_url: Type.String(),
  media_hash: Type.String(),
  file_name: Type.String(),
  priority: Type.Integer({ minimum: 0, maximum: 1 }),
  /**
   * The push's `createcontact`: save `number` in the phone's contacts before sending. Present only when
   * true, so that a device that does not know it meets it only in a push that asked for it.
   */
  create_contact: Type.Optional(Type.Literal(true)),
};
export const SendFrame = frame('send', sendFields);
/** Version 2: the messages handed to the device in one turn, in one frame. */
export const SendsFrame = frame('sends', { messages: Type.Array(Type.Object(sendFields, { additionalProperties: false }), { minItems: 1, maxItems: MAX_BATCH_ITEMS }) });
export const InboundAckFrame = frame('inbound_ack', { id: Type.String() });
export const REPORT_TYPES = ['sent', 'delivered', 'failed'] as const;
const reportAckFields = { msg_id: MsgId, report: Type.Union(REPORT_TYPES.map((report) => Type.Literal(report))) };
export const ReportAckFrame = frame('report_ack', reportAckFields);
/** Version 2: the reports committed in one turn, in one frame. */
export const ReportAcksFrame = frame('report_acks', { reports: Type.Array(Type.Object(reportAckFields, { additionalProperties: false }), { minItems: 1, maxItems: MAX_BATCH_ITEMS }) });
export const CommandFrame = frame('command', { command_id: Type.String(), command: Type.Union(DEVICE_COMMANDS.map((command) => Type.Literal(command))) });
export const CallFrame = frame('call', {
  push_id: MsgId,
  priority: Type.Integer({ minimum: 0, maximum: 1 }),
  mute_gateway: Type.Boolean(),
  record: Type.Boolean(),
  members: Type.Array(Type.Object({ call_id: MsgId, number: Type.String() }, { additionalProperties: false }), { minItems: 2, maxItems: 5 }),
});
export const CallAckFrame = frame('call_ack', { call_id: MsgId, status: CallStatusName });
export const ERROR_REASONS = ['invalid_json', 'invalid_frame', 'unknown_type', 'too_large', 'not_ready', 'unknown_message', 'unknown_call'] as const;
export const ErrorFrame = frame('error', { reason: Type.Union(ERROR_REASONS.map((reason) => Type.Literal(reason))), detail: Type.String() });

export const GatewayFrame = Type.Union([WelcomeFrame, RefusedFrame, SendFrame, SendsFrame, InboundAckFrame, ReportAckFrame, ReportAcksFrame, CommandFrame, ErrorFrame, CallFrame, CallAckFrame]);
export type GatewayFrame = Static<typeof GatewayFrame>;
export type SendFrame = Static<typeof SendFrame>;
export type SendItem = Omit<SendFrame, 'type'>;
export type ReportAckItem = Omit<Static<typeof ReportAckFrame>, 'type'>;
export type CommandFrame = Static<typeof CommandFrame>;
export type CallFrame = Static<typeof CallFrame>;
export type ReportFrame = Extract<DeviceFrame, { type: (typeof REPORT_TYPES)[number] }>;

/** Every frame type, by direction: the list docs/device-protocol.md must describe. */
export const DEVICE_FRAME_TYPES = ['hello', 'status', 'ack', 'sent', 'delivered', 'failed', 'reports', 'inbound', 'group_event', 'command_result', 'call_status', 'inbound_call'] as const;
export const GATEWAY_FRAME_TYPES = ['welcome', 'refused', 'send', 'sends', 'inbound_ack', 'report_ack', 'report_acks', 'command', 'error', 'call', 'call_ack'] as const;

const deviceChecks = new Map<string, ReturnType<typeof TypeCompiler.Compile>>(
  [HelloFrame, StatusFrame, AckFrame, SentFrame, DeliveredFrame, FailedFrame, ReportsFrame, InboundFrame, GroupEventFrame, CommandResultFrame, CallStatusFrame, InboundCallFrame].map((schema) => [
    (schema.properties.type as { const: string }).const,
    TypeCompiler.Compile(schema),
  ]),
);
const gatewayChecks = new Map<string, ReturnType<typeof TypeCompiler.Compile>>(
  [WelcomeFrame, RefusedFrame, SendFrame, SendsFrame, InboundAckFrame, ReportAckFrame, ReportAcksFrame, CommandFrame, ErrorFrame, CallFrame, CallAckFrame].map((schema) => [(schema.properties.type as { const: string }).const, TypeCompiler.Compile(schema)]),
);

export type FrameProblem = { reason: (typeof ERROR_REASONS)[number]; detail: string };

const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;

/** Parses and checks one frame; the problem names what is wrong (never throws). */
function parseWith<F>(checks: Map<string, ReturnType<typeof TypeCompiler.Compile>>, data: string | Buffer): { frame: F } | { problem: FrameProblem } {
  if (data.length > MAX_FRAME_BYTES) return { problem: { reason: 'too_large', detail: `frames are limited to ${MAX_FRAME_BYTES} bytes` } };
  const text = typeof data === 'string' ? data : data.toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: { reason: 'invalid_json', detail: (error as Error).message } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { problem: { reason: 'invalid_frame', detail: 'a frame is a JSON object' } };
  const type = (value as { type?: unknown }).type;
  const check = typeof type === 'string' ? checks.get(type) : undefined;
  if (!check) return { problem: { reason: 'unknown_type', detail: `unknown frame type ${JSON.stringify(type)}` } };
  // A NUL can only arrive escaped (raw control characters are not JSON): walk only frames that hold one.
  if (text.includes('\\u0000') && containsNulCharacter(value)) {
    return { problem: { reason: 'invalid_frame', detail: `${type}: ${NUL_REFUSAL}` } };
  }
  if (!check.Check(value)) {
    const error = check.Errors(value).First();
    return { problem: { reason: 'invalid_frame', detail: `${type}: ${error ? `${error.path || '/'} ${error.message}` : 'invalid'}` } };
  }
  // A lone surrogate (half an emoji) can only arrive escaped too. Made well formed here, every field stores
  // and leaves the gateway the same way: one U+FFFD, where SQLite would have kept three.
  if (ESCAPED_SURROGATE.test(text)) value = withWellFormedText(value);
  return { frame: value as F };
}

export function parseDeviceFrame(data: string | Buffer): { frame: DeviceFrame } | { problem: FrameProblem } {
  return parseWith<DeviceFrame>(deviceChecks, data);
}

export function parseGatewayFrame(data: string | Buffer): { frame: GatewayFrame } | { problem: FrameProblem } {
  return parseWith<GatewayFrame>(gatewayChecks, data);
}
