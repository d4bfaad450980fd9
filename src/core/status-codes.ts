// The one registry of Picky status codes and their messages; docs/status-codes.md is checked against it.

/** Every `status` value Switchboard answers with, and the exact message the Picky contract gives it. */
export const STATUS_MESSAGES = {
  100: 'Success',
  401: 'Authentication Failed',
  402: 'Empty Number List',
  403: 'Insufficient Balance',
  404: 'Unable to Communicate with Your Phone !',
  405: 'API Is Not Active For This Plan',
  406: 'Invalid Mobile Number',
  407: 'Message cannot be empty',
  408: 'Project is not Active',
  409: 'Invalid User',
  410: 'Invalid Request',
  429: 'Too Many Requests',
  500: 'Internal Error',
  501: 'Call not connected ! Not able to Communicate with Phone !',
  502: 'This Feature Is Not Available In This Android Version',
  503: 'Invalid PushId',
  504: 'Device Details Not Found',
  505: 'Minimum 2 Contacts Should be Entered',
  506: 'Maximum 5 Contacts Allowed',
  801: 'Official WhatsApp Account Not Active',
  804: 'Invalid Template ID',
  817: 'No Templates Found',
  850: 'Outside The 24 Hour Window, Send A Template',
} as const;

export type StatusCode = keyof typeof STATUS_MESSAGES;

export const Status = {
  success: 100,
  authenticationFailed: 401,
  emptyNumberList: 402,
  insufficientBalance: 403,
  noChannel: 404,
  notInPlan: 405,
  invalidNumber: 406,
  emptyMessage: 407,
  projectNotActive: 408,
  invalidUser: 409,
  invalidRequest: 410,
  tooManyRequests: 429,
  internalError: 500,
  callNotConnected: 501,
  featureNotAvailable: 502,
  invalidPushId: 503,
  deviceNotFound: 504,
  tooFewContacts: 505,
  tooManyContacts: 506,
  officialNotActive: 801,
  invalidTemplateId: 804,
  noTemplates: 817,
  outsideWindow: 850,
} as const satisfies Record<string, StatusCode>;

/**
 * A request the gateway refuses with a documented Picky status. `detail` says what exactly was wrong
 * (which field, which entry); the HTTP layer sends it beside the unchanged documented `message`.
 */
export class PickyError extends Error {
  readonly code: StatusCode;
  readonly detail: string | undefined;

  constructor(code: StatusCode, detail?: string, options?: ErrorOptions) {
    super(detail ? `${STATUS_MESSAGES[code]}: ${detail}` : STATUS_MESSAGES[code], options);
    this.name = 'PickyError';
    this.code = code;
    this.detail = detail;
  }
}

export function invalidRequest(detail: string): PickyError {
  return new PickyError(Status.invalidRequest, detail);
}
