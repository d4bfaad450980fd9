// The error a client call throws when the gateway answers a status other than 100: the Picky status
// (typed), the contract's message, and the gateway's `detail` saying what was wrong.
import { PICKY_STATUS_MESSAGES, type PickyStatusCode } from './generated-types.js';

export class PickyStatusError extends Error {
  readonly status: PickyStatusCode;
  readonly detail: string | undefined;
  /** The HTTP status (200 for every documented refusal; 429 and 500 otherwise). */
  readonly httpStatus: number;
  /** The whole answer, for fields a refusal carries beside status and message (whatsapp-qr's session). */
  readonly answer: Record<string, unknown>;

  constructor(status: PickyStatusCode, answer: Record<string, unknown>, httpStatus: number) {
    const detail = typeof answer.detail === 'string' ? answer.detail : undefined;
    super(`${status} ${PICKY_STATUS_MESSAGES[status]}${detail ? `: ${detail}` : ''}`);
    this.name = 'PickyStatusError';
    this.status = status;
    this.detail = detail;
    this.httpStatus = httpStatus;
    this.answer = answer;
  }
}

export function isPickyStatusCode(value: unknown): value is PickyStatusCode {
  return typeof value === 'number' && Object.prototype.hasOwnProperty.call(PICKY_STATUS_MESSAGES, value);
}
