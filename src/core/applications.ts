// The Picky `application` numbers (channel kinds) and which service each belongs to.

export const APPLICATIONS = {
  1: 'WhatsApp Personal (phone automation)',
  2: 'WhatsApp Business (phone automation)',
  3: 'SMS (phone SIM)',
  4: 'Call conference (phone)',
  5: 'Facebook Messenger',
  8: 'WhatsApp Official',
  10: 'WhatsApp Web Automation',
  101: 'WhatsApp Cloud API',
  121: 'WhatsApp Business API (managed)',
} as const;

export type Application = keyof typeof APPLICATIONS;

export const APPLICATION_IDS = Object.keys(APPLICATIONS).map(Number) as Application[];

export function isApplication(value: number): value is Application {
  return Object.hasOwn(APPLICATIONS, value);
}

/** Applications that run through the phone-automation service (service 1). */
export const PHONE_AUTOMATION_APPLICATIONS: readonly Application[] = [1, 2, 3, 4, 5, 10];
/** Applications that run through the WhatsApp Official service (service 2). */
export const OFFICIAL_APPLICATIONS: readonly Application[] = [5, 8, 101, 121];
