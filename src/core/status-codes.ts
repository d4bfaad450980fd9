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
  819: 'The Maximum Length Of About Exceeds',
  820: 'The Maximum Length Of Address Exceeds',
  821: 'The Maximum Length Of Description Exceeds',
  822: 'The Maximum Length Of Email Exceeds',
  833: 'Group Subject Cannot Be Empty',
  834: 'Group Subject Length Exceeds',
  835: 'Cannot Create Group',
  836: 'Empty/Invalid Group ID',
  837: 'Cannot Create Admin',
  838: 'Cannot Process The Request',
  839: 'Invalid Type',
  840: 'Invalid Whatsapp Number',
  841: 'Numbers Not In The Group',
  842: 'Invalid Action',
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
  aboutTooLong: 819,
  addressTooLong: 820,
  descriptionTooLong: 821,
  emailTooLong: 822,
  groupSubjectEmpty: 833,
  groupSubjectTooLong: 834,
  cannotCreateGroup: 835,
  invalidGroupId: 836,
  cannotCreateAdmin: 837,
  cannotProcess: 838,
  invalidType: 839,
  invalidWhatsAppNumber: 840,
  notInGroup: 841,
  invalidAction: 842,
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
