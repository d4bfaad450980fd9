// A call conference (application 4): 2 to 5 members joined into one call placed from a paired phone's
// SIM, and each member's call with the documented status (1 not started … 5 cancelled).

/** The documented member call statuses of `conference-report`. */
export const CALL_STATUSES = { not_started: 1, scheduled: 2, in_progress: 3, completed: 4, cancelled: 5 } as const;
export type CallStatusName = keyof typeof CALL_STATUSES;
export type CallStatus = (typeof CALL_STATUSES)[CallStatusName];
export const CALL_STATUS_NAMES = Object.keys(CALL_STATUSES) as CallStatusName[];

export function callStatusName(status: number): CallStatusName {
  return CALL_STATUS_NAMES.find((name) => CALL_STATUSES[name] === status) ?? 'not_started';
}

/** Completed and cancelled calls never change again. */
export function isFinalCallStatus(status: number): boolean {
  return status === CALL_STATUSES.completed || status === CALL_STATUSES.cancelled;
}

export const MIN_CONFERENCE_MEMBERS = 2;
export const MAX_CONFERENCE_MEMBERS = 5;

/**
 * `queued` in the gateway's call queue; `dialing` handed to a device (one at a time per device); `done`
 * every member call ended; `cancelled` removed from the queue before any call was placed (refunded).
 */
export type ConferenceState = 'queued' | 'dialing' | 'done' | 'cancelled';

export interface Conference {
  /** The conference's push id. */
  id: number;
  projectId: number;
  channelId: number;
  priority: number;
  isGatewayMuted: boolean;
  isRecorded: boolean;
  memberCount: number;
  totalCredit: number;
  state: ConferenceState;
  deviceId: number | null;
  attempts: number;
  lastError: string;
  dispatchedAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface MemberCall {
  /** The documented `call_id`. */
  id: number;
  conferenceId: number;
  projectId: number;
  position: number;
  number: string;
  status: CallStatus;
  /** Seconds talked (completed calls). */
  duration: number;
  /** Why a call was cancelled (busy, no answer…), or a device's note about what it could not honour. */
  reason: string;
  createdAt: number;
  updatedAt: number;
}

export interface ConferenceDraft {
  accountId: number;
  projectId: number;
  channelId: number;
  priority: number;
  isGatewayMuted: boolean;
  isRecorded: boolean;
  numbers: string[];
  totalCredit: number;
  createdAt: number;
}

/** A device's report on one member call. */
export interface CallReport {
  conferenceId: number;
  callId: number;
  status: CallStatus;
  duration: number;
  reason: string;
}

/** One member call's change, handed to listeners inside the transaction that stored it. */
export interface CallTransition {
  conference: Conference;
  call: MemberCall;
  from: CallStatus;
  at: number;
}
