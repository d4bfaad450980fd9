// What a failed AT+CMGS means for the message (3GPP TS 27.005 §3.2.5 and the RP causes of TS 24.011):
// a fault of the recipient or of the message is permanent; a fault of the network, the SIM or the
// modem is retryable, since the gateway can try again later or through another device.
import { AtCommandError } from './at-channel.js';

/** +CMS ERROR codes (RP causes below 128) that no retry will fix. */
const PERMANENT_CMS: Record<number, string> = {
  1: 'unassigned number',
  8: 'operator determined barring',
  10: 'call barred',
  21: 'short message transfer rejected',
  28: 'unidentified subscriber',
  29: 'facility rejected',
  30: 'unknown subscriber',
  50: 'requested facility not subscribed',
  69: 'requested facility not implemented',
  96: 'invalid mandatory information',
  303: 'operation not supported',
  304: 'invalid PDU mode parameter',
  305: 'invalid text mode parameter',
};

const RETRYABLE_CMS: Record<number, string> = {
  27: 'destination out of service',
  38: 'network out of order',
  41: 'temporary failure',
  42: 'congestion',
  47: 'resources unavailable',
  300: 'modem failure',
  301: 'SMS service of the modem reserved',
  302: 'operation not allowed',
  310: 'SIM not inserted',
  311: 'SIM PIN required',
  313: 'SIM failure',
  314: 'SIM busy',
  320: 'memory failure',
  322: 'memory full',
  330: 'service centre address unknown',
  331: 'no network service',
  332: 'network timeout',
  500: 'unknown error',
};

export interface SendFailure {
  reason: string;
  retryable: boolean;
}

/** The `failed` report for an error met while sending. */
export function sendFailure(error: unknown): SendFailure {
  if (!(error instanceof AtCommandError)) return { reason: `modem: ${(error as Error)?.message ?? String(error)}`, retryable: true };
  if (error.result === '+CMS ERROR' && error.code !== undefined) {
    const permanent = PERMANENT_CMS[error.code];
    if (permanent) return { reason: `+CMS ERROR ${error.code}: ${permanent}`, retryable: false };
    return { reason: `+CMS ERROR ${error.code}: ${RETRYABLE_CMS[error.code] ?? 'network or modem error'}`, retryable: true };
  }
  // Verbose errors (AT+CMEE=2 on some modems), +CME ERROR, plain ERROR, timeouts, a closed port: the
  // message itself is not known to be at fault.
  return { reason: `modem: ${error.message}`.slice(0, 500), retryable: true };
}

/** A status report's TP-ST (TS 23.040 §9.2.3.15): delivered, still pending, or failed for good. */
export function reportOutcome(status: number): 'delivered' | 'pending' | 'failed' {
  if (status < 0x20) return 'delivered';
  if (status < 0x40) return 'pending';
  return 'failed';
}
