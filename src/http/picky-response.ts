// The shapes of Picky answers: `status` and `message` first, as every documented sample has them.
import { PickyError, STATUS_MESSAGES, Status, type StatusCode } from '../core/index.js';

export interface PickyAnswer {
  status: StatusCode;
  message: string;
  [field: string]: unknown;
}

export function success(fields: Record<string, unknown> = {}): PickyAnswer {
  return { status: Status.success, message: STATUS_MESSAGES[Status.success], ...fields };
}

/** The documented message stays exactly as the contract has it; `detail` says what went wrong. */
export function failure(error: PickyError): PickyAnswer {
  const answer: PickyAnswer = { status: error.code, message: STATUS_MESSAGES[error.code] };
  if (error.detail) answer.detail = error.detail;
  return answer;
}

/** Every documented outcome travels with HTTP 200; only rate limits and bugs change the HTTP status. */
export function httpStatusFor(code: StatusCode): number {
  if (code === Status.tooManyRequests) return 429;
  if (code === Status.internalError) return 500;
  return 200;
}
