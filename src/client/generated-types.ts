// Generated from the gateway's /openapi.json by test/client-types.test.ts; do not edit by hand.
// Rewrite it with `npm run generate:client` after changing a route, its schema or its doc.
/* eslint-disable */

/** Every `status` a Switchboard answer carries. */
export type PickyStatusCode = 100 | 401 | 402 | 403 | 404 | 405 | 406 | 407 | 408 | 409 | 410 | 429 | 500 | 501 | 502 | 503 | 504 | 505 | 506 | 801 | 804 | 817 | 819 | 820 | 821 | 822 | 833 | 834 | 835 | 836 | 837 | 838 | 839 | 840 | 841 | 842 | 850;

/** The message the contract gives each status. */
export const PICKY_STATUS_MESSAGES = {
  100: "Success",
  401: "Authentication Failed",
  402: "Empty Number List",
  403: "Insufficient Balance",
  404: "Unable to Communicate with Your Phone !",
  405: "API Is Not Active For This Plan",
  406: "Invalid Mobile Number",
  407: "Message cannot be empty",
  408: "Project is not Active",
  409: "Invalid User",
  410: "Invalid Request",
  429: "Too Many Requests",
  500: "Internal Error",
  501: "Call not connected ! Not able to Communicate with Phone !",
  502: "This Feature Is Not Available In This Android Version",
  503: "Invalid PushId",
  504: "Device Details Not Found",
  505: "Minimum 2 Contacts Should be Entered",
  506: "Maximum 5 Contacts Allowed",
  801: "Official WhatsApp Account Not Active",
  804: "Invalid Template ID",
  817: "No Templates Found",
  819: "The Maximum Length Of About Exceeds",
  820: "The Maximum Length Of Address Exceeds",
  821: "The Maximum Length Of Description Exceeds",
  822: "The Maximum Length Of Email Exceeds",
  833: "Group Subject Cannot Be Empty",
  834: "Group Subject Length Exceeds",
  835: "Cannot Create Group",
  836: "Empty/Invalid Group ID",
  837: "Cannot Create Admin",
  838: "Cannot Process The Request",
  839: "Invalid Type",
  840: "Invalid Whatsapp Number",
  841: "Numbers Not In The Group",
  842: "Invalid Action",
  850: "Outside The 24 Hour Window, Send A Template",
} as const;

export type AddGroupAdminRequest = {
  token?: string;
  /** 10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id */
  application?: number;
  /** the group id that create-whatsapp-group answered */
  group_id?: (string | number);
  /** WhatsApp number(s) with country code: one, a comma-separated list, or an array */
  number?: (string | number | Array<(string | number)>);
  /** alternative to `number`: [{number}] */
  data?: Array<{
    number: (string | number);
  }>;
};

export type AddGroupAdminAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type AddGroupMembersRequest = {
  token?: string;
  /** 10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id */
  application?: number;
  /** the group id that create-whatsapp-group answered */
  group_id?: (string | number);
  /** WhatsApp number(s) with country code: one, a comma-separated list, or an array */
  number?: (string | number | Array<(string | number)>);
  /** alternative to `number`: [{number}] */
  data?: Array<{
    number: (string | number);
  }>;
};

export type AddGroupMembersAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type CheckBalanceRequest = {
  token?: string;
};

export type CheckBalanceAnswer = ({
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
} & {
  balance: number;
});

export type ConferenceReportRequest = {
  token?: string;
  push_id: number;
};

export type ConferenceReportAnswer = Array<{
  project_id: string;
  push_id: string;
  call_id: string;
  number: string;
  duration: string;
  /** 1 not started, 2 scheduled, 3 in progress, 4 completed, 5 cancelled */
  status: string;
  time: string;
}>;

export type ConferenceRequestRequest = {
  token?: string;
  /** 4 */
  application: (number | string);
  /** 0 or 1 */
  priority?: (number | string);
  /** 0 or 1 */
  mute_gateway?: (number | string);
  /** 0 or 1 */
  record?: (number | string);
  /** 2 to 5 members */
  data: Array<{
    number: string;
  }>;
};

export type ConferenceRequestAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type CreateWhatsappGroupRequest = {
  token?: string;
  /** 10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id */
  application?: number;
  /** at most 25 characters */
  group_subject?: (string | number);
  /** WhatsApp number(s) with country code: one, a comma-separated list, or an array */
  number?: (string | number | Array<(string | number)>);
  /** alternative to `number`: [{number}] */
  data?: Array<{
    number: (string | number);
  }>;
  /** image URL (JPEG/PNG, 5 MB) */
  group_icon?: (string | number);
};

export type CreateWhatsappGroupAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type DeleteGroupActionRequest = {
  token?: string;
  /** 10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id */
  application?: number;
  /** the group id that create-whatsapp-group answered */
  group_id?: (string | number);
  /** 1 delete icon, 2 delete (revoke) invite link, 3 leave group */
  action?: (string | number);
};

export type DeleteGroupActionAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type DeliveryReportRequest = {
  token?: string;
  push_id: number;
};

export type DeliveryReportAnswer = ({
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
} & {
  project_id: string;
  push_id: number;
  application: string;
  /** 1 image, 2 video, 3 text, 4 audio, 5 document */
  message_type: string;
  /** DD-MM-YYYY hh:mm AM, project time zone */
  time: string;
  data: Array<{
    number: string;
    msg_id: string;
    /** 0 unknown, 1 delivered, 2 failed, 3 read */
    status: string;
    error_code: string;
    [field: string]: unknown;
  }>;
});

export type DeviceActionRequest = {
  token?: string;
  command: string;
  application?: number;
  device_id?: string;
};

export type DeviceActionAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type DeviceStatusRequest = {
  token?: string;
  application?: number;
};

export type DeviceStatusAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type GenerateInviteLinkRequest = {
  token?: string;
  /** 10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id */
  application?: number;
  /** the group id that create-whatsapp-group answered */
  group_id?: (string | number);
};

export type GenerateInviteLinkAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type GroupDetailsRequest = {
  token?: string;
  /** 10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id */
  application?: number;
  /** the group id that create-whatsapp-group answered */
  group_id?: (string | number);
};

export type GroupDetailsAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmChangeBillingRequest = {
  token?: string;
  project_id: number;
  service: number;
  plan_id: number;
};

export type PmChangeBillingAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmCreateApiTokenRequest = {
  token?: string;
  project_id: number;
  ip_whitelist?: Array<string>;
};

export type PmCreateApiTokenAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmCreateChannelRequest = {
  token?: string;
  project_id: number;
  application?: number;
  name?: string;
  echo_messages?: (0 | 1);
  send_gap_min_ms?: number;
  send_gap_max_ms?: number;
  phone_number_id?: string;
  waba_id?: string;
  page_id?: string;
  access_token?: string;
  app_secret?: string;
  verify_token?: string;
  messages_per_second?: number;
  message_tag?: string;
};

export type PmCreateChannelAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmCreateProjectRequest = {
  token?: string;
  project_name: string;
  number?: string;
  company_name?: string;
  country?: string;
  time_zone?: string;
  date_format?: (number | string);
  service?: number;
  billing_plan?: number;
  generate_api_token?: boolean;
  token_ip_address?: Array<string>;
  notes?: string;
  global_webhook?: string;
  event_webhook?: string;
  smart_reply_webhook?: string;
  webhook_format?: (number | string);
  webhook_retry_schedule?: string;
};

export type PmCreateProjectAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmDeleteChannelRequest = {
  token?: string;
  project_id: number;
  channel_id: number;
};

export type PmDeleteChannelAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmDeleteProjectRequest = {
  token?: string;
  project_id: number;
};

export type PmDeleteProjectAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmFetchBalanceRequest = {
  token?: string;
};

export type PmFetchBalanceAnswer = ({
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
} & {
  balance: number;
});

export type PmGetProjectsRequest = {
  token?: string;
  project_id?: number;
};

export type PmGetProjectsAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmListChannelsRequest = {
  token?: string;
  project_id: number;
};

export type PmListChannelsAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmManageApiTokenRequest = {
  token?: string;
  project_id: number;
  api_token: string;
  action: number;
};

export type PmManageApiTokenAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmRotateWebhookSecretRequest = {
  token?: string;
  project_id: number;
};

export type PmRotateWebhookSecretAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmSetWebhookRequest = {
  token?: string;
  project_id: number;
  global_webhook?: string;
  event_webhook?: string;
  smart_reply_webhook?: string;
  webhook_format?: (number | string);
  webhook_retry_schedule?: string;
};

export type PmSetWebhookAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmTestWebhookRequest = {
  token?: string;
  project_id: number;
};

export type PmTestWebhookAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmUpdateChannelRequest = {
  token?: string;
  project_id: number;
  channel_id: number;
  name?: string;
  echo_messages?: (0 | 1);
  send_gap_min_ms?: number;
  send_gap_max_ms?: number;
};

export type PmUpdateChannelAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmWebhookLogRequest = {
  token?: string;
  project_id: number;
  limit?: number;
  before_id?: number;
};

export type PmWebhookLogAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PmWebhookReplayRequest = {
  token?: string;
  project_id: number;
  delivery_id: number;
};

export type PmWebhookReplayAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type PushRequest = {
  /** project API token */
  token?: string;
  /** channel kind (1, 2, 3, 5, 8, 10, 101, 121) or one of the project's channel ids */
  application: (number | string);
  /** 0 low (default), 1 high; the documented "priority " spelling works too */
  priority?: (number | string);
  /** text for every recipient */
  globalmessage?: string;
  /** public URL of media for every recipient */
  globalmedia?: string;
  /** base64 media */
  globalmedia_code?: string;
  /** file name of a document */
  media_name?: string;
  /** 1: send audio as a voice note */
  voice?: (number | string);
  /** 1: send the image as a sticker */
  sticker?: (number | string);
  location?: {
    name?: string;
    address?: string;
    lat: (number | string);
    long: (number | string);
  };
  contact?: Array<{
    first_name?: string;
    last_name?: string;
    phone?: string;
    email?: string;
    company?: string;
    city?: string;
    country?: string;
    country_code?: string;
    state?: string;
    street?: string;
    zip?: string;
    address_type?: string;
    /** base64 image */
    contact_image?: string;
    [field: string]: unknown;
  }>;
  template_id?: string;
  language?: string;
  template_header?: string;
  template_globalmessage?: Array<string>;
  interactive_globalbuttons?: Array<unknown>;
  group_id?: string;
  /** like the Idempotency-Key header: a retried push gets the first answer */
  idempotency_key?: string;
  /** the recipients (mandatory, not empty) */
  data: Array<{
    /** digits with country code, no + or leading 0, 5 to 15 long */
    number?: string;
    /** Messenger recipient (application 5) */
    messenger_id?: string;
    /** overrides globalmessage; the caption of media */
    message?: string;
    /** public URL of media for this recipient */
    media?: string;
    /** base64 media for this recipient */
    media_code?: string;
    /** echoed in delivery reports */
    reference_number?: string;
    /** msg_id to quote */
    quoted?: string;
    template_message?: Array<string>;
    language?: string;
    template_header?: string;
    interactive_buttons?: Array<unknown>;
    payload?: Array<unknown>;
    [field: string]: unknown;
  }>;
  [field: string]: unknown;
};

export type PushAnswer = ({
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
} & {
  /** numeric string */
  push_id: string;
  data: Array<{
    msg_id: string;
    number: string;
    /** what the message cost */
    credit: string;
  }>;
});

export type RemoveGroupMembersRequest = {
  token?: string;
  /** 10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id */
  application?: number;
  /** the group id that create-whatsapp-group answered */
  group_id?: (string | number);
  /** 0 members, 1 admins */
  type?: (string | number);
  /** WhatsApp number(s) with country code: one, a comma-separated list, or an array */
  number?: (string | number | Array<(string | number)>);
  /** alternative to `number`: [{number}] */
  data?: Array<{
    number: (string | number);
  }>;
};

export type RemoveGroupMembersAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type TemplateRequestRequest = {
  token?: string;
  /** 8, 101, 121 or a channel id */
  application?: (number | string);
  /** lowercase letters, digits and underscores */
  name: string;
  /** 1 text, 2 image, 3 document, 4 video */
  message_type: (number | string);
  category?: string;
  sample_message?: Array<string>;
  sample_url?: string;
  sample_button_value?: string;
  messages: Array<{
    message: string;
    language: string;
    header?: string;
    footer?: string;
  }>;
  buttons?: Array<unknown>;
  [field: string]: unknown;
};

export type TemplateRequestAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type TemplateStatusRequest = {
  token?: string;
  /** blank: every template */
  template_id?: string;
};

export type TemplateStatusAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type TwoStepVerificationRequest = {
  token?: string;
  /** 10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id */
  application?: number;
  /** 0 enable, 1 disable */
  action?: (string | number);
  /** 6 digits (send it as a string to keep leading zeros) */
  pin?: (string | number);
};

export type TwoStepVerificationAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type UpdateGroupInfoRequest = {
  token?: string;
  /** 10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id */
  application?: number;
  /** the group id that create-whatsapp-group answered */
  group_id?: (string | number);
  /** at most 25 characters */
  group_subject?: (string | number);
  /** ours: at most 2048 characters */
  group_description?: (string | number);
  /** image URL (JPEG/PNG, 5 MB) */
  group_icon?: (string | number);
};

export type UpdateGroupInfoAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type UpdateProfileRequest = {
  token?: string;
  /** 10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id */
  application?: number;
  /** at most 139 characters */
  about?: string;
  /** at most 256 characters */
  address?: string;
  /** at most 256 characters */
  description?: string;
  /** at most 250 characters */
  email?: string;
  /** 1-17 */
  industry?: (string | number);
  /** at most 2 URLs */
  websites?: (string | Array<string>);
  /** image URL (JPEG/PNG, 5 MB) */
  profile_pic?: (string | number);
};

export type UpdateProfileAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type WhatsappPairingCodeRequest = {
  token?: string;
  application?: number;
  channel_id?: number;
  number: string;
};

export type WhatsappPairingCodeAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

export type WhatsappQrRequest = {
  token?: string;
  application?: number;
  channel_id?: number;
};

export type WhatsappQrAnswer = {
  status: 100;
  message: string;
  /** what exactly was wrong (refusals only) */
  detail?: string;
  [field: string]: unknown;
};

/** Query parameters of the configured URL come along as extra variables. */
export type InboundWebhook = {
  /** sender; in groups "Group Name @Sender" */
  number: string;
  messenger_id?: string;
  name?: string;
  /** URL-encoded text */
  "message-in": string;
  message_in_raw: string;
  application: number;
  /** 1 text, 2 image, 3 video, 4 audio, 5 location, 6 document, 7 contact, 9 interactive reply, 10 call */
  type: number;
  "media-url": string;
  "unique-id": number;
  "project-id": string;
  /** 0 inbound, 1 sent from the phone itself */
  direction: number;
  "group-id"?: string;
  "group-mentions"?: Array<string>;
  "group-sender"?: string;
  "context-msg-id"?: string;
  payload?: unknown;
  interactive?: {
    type: number;
    id: string;
    description: string;
  };
  contact?: Array<Record<string, unknown>>;
  Location?: {
    lat: unknown;
    long: unknown;
    name?: string;
    address?: string;
    url?: string;
  };
  [field: string]: unknown;
};

export type InstantReply = {
  "message-out"?: string;
  "media-url"?: string;
  delay?: number;
  application?: number;
};

export type EventWebhook = ({
  project_id: string;
  event_id: 1;
  data: Array<{
    push_id: string;
    msg_id: string;
    number: string;
    /** 4 submitted, 1 delivered, 3 read, 2 failed, 5 refunded */
    status: string;
    state: string;
    reference_number: string;
    message: string;
    message_type: string;
    media: string;
    channel_id: string;
    error_message: string;
    template_id: string;
    agent_id: string;
    source: string;
    /** epoch milliseconds */
    at: number;
    [field: string]: unknown;
  }>;
  [field: string]: unknown;
} | {
  project_id: string;
  event_id: 3;
  /** 1 joined, 2 left */
  action: number;
  group_id: string;
  group_subject: string;
  number: string;
  application: number;
  [field: string]: unknown;
} | {
  project_id: string;
  event_id: 11;
  version: number;
  [field: string]: unknown;
});

/** Every endpoint: the token it takes and the statuses it can answer. */
export const ENDPOINTS = {
  "add-group-admin": { auth: 'project', codes: [100, 401, 404, 405, 408, 409, 410, 429, 500, 836, 837, 840, 841] },
  "add-group-members": { auth: 'project', codes: [100, 401, 404, 405, 408, 409, 410, 429, 500, 836, 838, 840] },
  "check-balance": { auth: 'project', codes: [100, 401, 408, 409, 410, 429, 500] },
  "conference-report": { auth: 'project', codes: [100, 401, 408, 409, 410, 429, 500, 503] },
  "conference-request": { auth: 'project', codes: [100, 401, 403, 404, 405, 406, 408, 409, 410, 429, 500, 502, 505, 506] },
  "create-whatsapp-group": { auth: 'project', codes: [100, 401, 404, 405, 408, 409, 410, 429, 500, 833, 834, 835, 840] },
  "delete-group-action": { auth: 'project', codes: [100, 401, 404, 405, 408, 409, 410, 429, 500, 836, 838, 842] },
  "delivery-report": { auth: 'project', codes: [100, 401, 408, 409, 410, 429, 500, 503] },
  "device-action": { auth: 'project', codes: [100, 401, 404, 408, 409, 410, 429, 500] },
  "device-status": { auth: 'project', codes: [100, 401, 404, 408, 409, 410, 429, 500, 504] },
  "generate-invite-link": { auth: 'project', codes: [100, 401, 404, 405, 408, 409, 410, 429, 500, 836, 838] },
  "group-details": { auth: 'project', codes: [100, 401, 404, 405, 408, 409, 410, 429, 500, 836, 838] },
  "pm/change-billing": { auth: 'master', codes: [100, 401, 403, 408, 409, 410, 429, 500] },
  "pm/create-api-token": { auth: 'master', codes: [100, 401, 408, 409, 410, 429, 500] },
  "pm/create-channel": { auth: 'master', codes: [100, 401, 405, 408, 409, 410, 429, 500] },
  "pm/create-project": { auth: 'master', codes: [100, 401, 403, 409, 410, 429, 500] },
  "pm/delete-channel": { auth: 'master', codes: [100, 401, 404, 409, 410, 429, 500] },
  "pm/delete-project": { auth: 'master', codes: [100, 401, 409, 410, 429, 500] },
  "pm/fetch-balance": { auth: 'master', codes: [100, 401, 409, 410, 429, 500] },
  "pm/get-projects": { auth: 'master', codes: [100, 401, 409, 410, 429, 500] },
  "pm/list-channels": { auth: 'master', codes: [100, 401, 409, 410, 429, 500] },
  "pm/manage-api-token": { auth: 'master', codes: [100, 401, 409, 410, 429, 500] },
  "pm/rotate-webhook-secret": { auth: 'master', codes: [100, 401, 408, 409, 410, 429, 500] },
  "pm/set-webhook": { auth: 'master', codes: [100, 401, 408, 409, 410, 429, 500] },
  "pm/test-webhook": { auth: 'master', codes: [100, 401, 409, 410, 429, 500] },
  "pm/update-channel": { auth: 'master', codes: [100, 401, 404, 408, 409, 410, 429, 500] },
  "pm/webhook-log": { auth: 'master', codes: [100, 401, 409, 410, 429, 500] },
  "pm/webhook-replay": { auth: 'master', codes: [100, 401, 409, 410, 429, 500] },
  "push": { auth: 'project', codes: [100, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 429, 500, 804, 850] },
  "remove-group-members": { auth: 'project', codes: [100, 401, 404, 405, 408, 409, 410, 429, 500, 836, 838, 839, 840, 841] },
  "template-request": { auth: 'project', codes: [100, 401, 408, 409, 410, 429, 500, 801] },
  "template-status": { auth: 'project', codes: [100, 401, 408, 409, 410, 429, 500, 804, 817] },
  "two-step-verification": { auth: 'project', codes: [100, 401, 404, 405, 408, 409, 410, 429, 500, 801, 838, 842] },
  "update-group-info": { auth: 'project', codes: [100, 401, 404, 405, 408, 409, 410, 429, 500, 833, 834, 836, 838] },
  "update-profile": { auth: 'project', codes: [100, 401, 404, 405, 408, 409, 410, 429, 500, 801, 819, 820, 821, 822, 838] },
  "whatsapp-pairing-code": { auth: 'project', codes: [100, 401, 404, 406, 408, 409, 410, 429, 500] },
  "whatsapp-qr": { auth: 'project', codes: [100, 401, 404, 408, 409, 410, 429, 500] },
} as const;

export type EndpointName = keyof typeof ENDPOINTS;

/** Request and success answer of each endpoint. */
export interface EndpointTypes {
  "add-group-admin": { request: AddGroupAdminRequest; answer: AddGroupAdminAnswer };
  "add-group-members": { request: AddGroupMembersRequest; answer: AddGroupMembersAnswer };
  "check-balance": { request: CheckBalanceRequest; answer: CheckBalanceAnswer };
  "conference-report": { request: ConferenceReportRequest; answer: ConferenceReportAnswer };
  "conference-request": { request: ConferenceRequestRequest; answer: ConferenceRequestAnswer };
  "create-whatsapp-group": { request: CreateWhatsappGroupRequest; answer: CreateWhatsappGroupAnswer };
  "delete-group-action": { request: DeleteGroupActionRequest; answer: DeleteGroupActionAnswer };
  "delivery-report": { request: DeliveryReportRequest; answer: DeliveryReportAnswer };
  "device-action": { request: DeviceActionRequest; answer: DeviceActionAnswer };
  "device-status": { request: DeviceStatusRequest; answer: DeviceStatusAnswer };
  "generate-invite-link": { request: GenerateInviteLinkRequest; answer: GenerateInviteLinkAnswer };
  "group-details": { request: GroupDetailsRequest; answer: GroupDetailsAnswer };
  "pm/change-billing": { request: PmChangeBillingRequest; answer: PmChangeBillingAnswer };
  "pm/create-api-token": { request: PmCreateApiTokenRequest; answer: PmCreateApiTokenAnswer };
  "pm/create-channel": { request: PmCreateChannelRequest; answer: PmCreateChannelAnswer };
  "pm/create-project": { request: PmCreateProjectRequest; answer: PmCreateProjectAnswer };
  "pm/delete-channel": { request: PmDeleteChannelRequest; answer: PmDeleteChannelAnswer };
  "pm/delete-project": { request: PmDeleteProjectRequest; answer: PmDeleteProjectAnswer };
  "pm/fetch-balance": { request: PmFetchBalanceRequest; answer: PmFetchBalanceAnswer };
  "pm/get-projects": { request: PmGetProjectsRequest; answer: PmGetProjectsAnswer };
  "pm/list-channels": { request: PmListChannelsRequest; answer: PmListChannelsAnswer };
  "pm/manage-api-token": { request: PmManageApiTokenRequest; answer: PmManageApiTokenAnswer };
  "pm/rotate-webhook-secret": { request: PmRotateWebhookSecretRequest; answer: PmRotateWebhookSecretAnswer };
  "pm/set-webhook": { request: PmSetWebhookRequest; answer: PmSetWebhookAnswer };
  "pm/test-webhook": { request: PmTestWebhookRequest; answer: PmTestWebhookAnswer };
  "pm/update-channel": { request: PmUpdateChannelRequest; answer: PmUpdateChannelAnswer };
  "pm/webhook-log": { request: PmWebhookLogRequest; answer: PmWebhookLogAnswer };
  "pm/webhook-replay": { request: PmWebhookReplayRequest; answer: PmWebhookReplayAnswer };
  "push": { request: PushRequest; answer: PushAnswer };
  "remove-group-members": { request: RemoveGroupMembersRequest; answer: RemoveGroupMembersAnswer };
  "template-request": { request: TemplateRequestRequest; answer: TemplateRequestAnswer };
  "template-status": { request: TemplateStatusRequest; answer: TemplateStatusAnswer };
  "two-step-verification": { request: TwoStepVerificationRequest; answer: TwoStepVerificationAnswer };
  "update-group-info": { request: UpdateGroupInfoRequest; answer: UpdateGroupInfoAnswer };
  "update-profile": { request: UpdateProfileRequest; answer: UpdateProfileAnswer };
  "whatsapp-pairing-code": { request: WhatsappPairingCodeRequest; answer: WhatsappPairingCodeAnswer };
  "whatsapp-qr": { request: WhatsappQrRequest; answer: WhatsappQrAnswer };
}

export type RequestOf<E extends EndpointName> = EndpointTypes[E]['request'];

export interface CallOptions {
  /** Sent as the Idempotency-Key header (push): a retry gets the first answer. */
  idempotencyKey?: string;
  signal?: AbortSignal;
}

/** One method per endpoint, each a typed `call`. */
export abstract class SwitchboardEndpoints {
  abstract call<E extends EndpointName>(endpoint: E, request: RequestOf<E>, options?: CallOptions): Promise<EndpointTypes[E]['answer']>;

  /** Make members of a group admins */
  addGroupAdmin(request: RequestOf<"add-group-admin">, options?: CallOptions): Promise<EndpointTypes["add-group-admin"]['answer']> {
    return this.call("add-group-admin", request, options);
  }

  /** Add members to a group (one row per number in `data`: status 0 added, 1 failed) */
  addGroupMembers(request: RequestOf<"add-group-members">, options?: CallOptions): Promise<EndpointTypes["add-group-members"]['answer']> {
    return this.call("add-group-members", request, options);
  }

  /** The account wallet's balance (project token) */
  checkBalance(request: RequestOf<"check-balance">, options?: CallOptions): Promise<EndpointTypes["check-balance"]['answer']> {
    return this.call("check-balance", request, options);
  }

  /** A conference's members and their calls (an array; a Picky answer only for refusals) */
  conferenceReport(request: RequestOf<"conference-report">, options?: CallOptions): Promise<EndpointTypes["conference-report"]['answer']> {
    return this.call("conference-report", request, options);
  }

  /** Place a call conference of 2 to 5 members through the phone (application 4) */
  conferenceRequest(request: RequestOf<"conference-request">, options?: CallOptions): Promise<EndpointTypes["conference-request"]['answer']> {
    return this.call("conference-request", request, options);
  }

  /** Create a WhatsApp group with members (and an icon from a URL) through a WhatsApp Web session */
  createWhatsappGroup(request: RequestOf<"create-whatsapp-group">, options?: CallOptions): Promise<EndpointTypes["create-whatsapp-group"]['answer']> {
    return this.call("create-whatsapp-group", request, options);
  }

  /** Delete the icon (1), revoke the invite link (2) or leave the group (3) */
  deleteGroupAction(request: RequestOf<"delete-group-action">, options?: CallOptions): Promise<EndpointTypes["delete-group-action"]['answer']> {
    return this.call("delete-group-action", request, options);
  }

  /** A push's delivery report: one row per message */
  deliveryReport(request: RequestOf<"delivery-report">, options?: CallOptions): Promise<EndpointTypes["delivery-report"]['answer']> {
    return this.call("delivery-report", request, options);
  }

  /** Send a command to the phone (restart, reset, queue commands) or the WhatsApp Web session (application 10) */
  deviceAction(request: RequestOf<"device-action">, options?: CallOptions): Promise<EndpointTypes["device-action"]['answer']> {
    return this.call("device-action", request, options);
  }

  /** The project's phone (or, with application 10, its WhatsApp Web session) */
  deviceStatus(request: RequestOf<"device-status">, options?: CallOptions): Promise<EndpointTypes["device-status"]['answer']> {
    return this.call("device-status", request, options);
  }

  /** A group's invite link */
  generateInviteLink(request: RequestOf<"generate-invite-link">, options?: CallOptions): Promise<EndpointTypes["generate-invite-link"]['answer']> {
    return this.call("generate-invite-link", request, options);
  }

  /** A group: subject, invite link, admins, members, creation date */
  groupDetails(request: RequestOf<"group-details">, options?: CallOptions): Promise<EndpointTypes["group-details"]['answer']> {
    return this.call("group-details", request, options);
  }

  /** Change a project's service and billing plan (the new plan's fee is debited) */
  pmChangeBilling(request: RequestOf<"pm/change-billing">, options?: CallOptions): Promise<EndpointTypes["pm/change-billing"]['answer']> {
    return this.call("pm/change-billing", request, options);
  }

  /** Issue API tokens for a project, one per allowed address */
  pmCreateApiToken(request: RequestOf<"pm/create-api-token">, options?: CallOptions): Promise<EndpointTypes["pm/create-api-token"]['answer']> {
    return this.call("pm/create-api-token", request, options);
  }

  /** Add a WhatsApp Web (10), Messenger (5) or WhatsApp Official (8, 101, 121) channel to a project */
  pmCreateChannel(request: RequestOf<"pm/create-channel">, options?: CallOptions): Promise<EndpointTypes["pm/create-channel"]['answer']> {
    return this.call("pm/create-channel", request, options);
  }

  /** Create a project (and its API token); the plan fee is debited from the wallet */
  pmCreateProject(request: RequestOf<"pm/create-project">, options?: CallOptions): Promise<EndpointTypes["pm/create-project"]['answer']> {
    return this.call("pm/create-project", request, options);
  }

  /** Delete a channel; its queued messages are cancelled */
  pmDeleteChannel(request: RequestOf<"pm/delete-channel">, options?: CallOptions): Promise<EndpointTypes["pm/delete-channel"]['answer']> {
    return this.call("pm/delete-channel", request, options);
  }

  /** Delete a project: its queue is cancelled, its devices disconnected, its WhatsApp numbers logged out, its channel credentials erased */
  pmDeleteProject(request: RequestOf<"pm/delete-project">, options?: CallOptions): Promise<EndpointTypes["pm/delete-project"]['answer']> {
    return this.call("pm/delete-project", request, options);
  }

  /** The account wallet's balance (master token) */
  pmFetchBalance(request: RequestOf<"pm/fetch-balance">, options?: CallOptions): Promise<EndpointTypes["pm/fetch-balance"]['answer']> {
    return this.call("pm/fetch-balance", request, options);
  }

  /** The account's projects, or one (project_id; 0 = all) */
  pmGetProjects(request: RequestOf<"pm/get-projects">, options?: CallOptions): Promise<EndpointTypes["pm/get-projects"]['answer']> {
    return this.call("pm/get-projects", request, options);
  }

  /** A project's channels with their status */
  pmListChannels(request: RequestOf<"pm/list-channels">, options?: CallOptions): Promise<EndpointTypes["pm/list-channels"]['answer']> {
    return this.call("pm/list-channels", request, options);
  }

  /** Disable (1), enable (2) or delete (3) an API token */
  pmManageApiToken(request: RequestOf<"pm/manage-api-token">, options?: CallOptions): Promise<EndpointTypes["pm/manage-api-token"]['answer']> {
    return this.call("pm/manage-api-token", request, options);
  }

  /** Replace the project's webhook signing secret */
  pmRotateWebhookSecret(request: RequestOf<"pm/rotate-webhook-secret">, options?: CallOptions): Promise<EndpointTypes["pm/rotate-webhook-secret"]['answer']> {
    return this.call("pm/rotate-webhook-secret", request, options);
  }

  /** Set a project's webhook URLs, format and retry schedule */
  pmSetWebhook(request: RequestOf<"pm/set-webhook">, options?: CallOptions): Promise<EndpointTypes["pm/set-webhook"]['answer']> {
    return this.call("pm/set-webhook", request, options);
  }

  /** Call the project's global webhook with a sample message and show the answer */
  pmTestWebhook(request: RequestOf<"pm/test-webhook">, options?: CallOptions): Promise<EndpointTypes["pm/test-webhook"]['answer']> {
    return this.call("pm/test-webhook", request, options);
  }

  /** Change a WhatsApp Web channel's name and settings */
  pmUpdateChannel(request: RequestOf<"pm/update-channel">, options?: CallOptions): Promise<EndpointTypes["pm/update-channel"]['answer']> {
    return this.call("pm/update-channel", request, options);
  }

  /** A project's webhook deliveries, newest first, with attempts and errors */
  pmWebhookLog(request: RequestOf<"pm/webhook-log">, options?: CallOptions): Promise<EndpointTypes["pm/webhook-log"]['answer']> {
    return this.call("pm/webhook-log", request, options);
  }

  /** Send a delivery again now (same event id) */
  pmWebhookReplay(request: RequestOf<"pm/webhook-replay">, options?: CallOptions): Promise<EndpointTypes["pm/webhook-replay"]['answer']> {
    return this.call("pm/webhook-replay", request, options);
  }

  /** Send messages: one text, media, location, contact or template to one or many recipients */
  push(request: RequestOf<"push">, options?: CallOptions): Promise<EndpointTypes["push"]['answer']> {
    return this.call("push", request, options);
  }

  /** Remove members (type 0) or admin rights (type 1) */
  removeGroupMembers(request: RequestOf<"remove-group-members">, options?: CallOptions): Promise<EndpointTypes["remove-group-members"]['answer']> {
    return this.call("remove-group-members", request, options);
  }

  /** Submit a WhatsApp message template to Meta for review */
  templateRequest(request: RequestOf<"template-request">, options?: CallOptions): Promise<EndpointTypes["template-request"]['answer']> {
    return this.call("template-request", request, options);
  }

  /** A template (or every template) with its review status: 1 pending, 2 WhatsApp review, 3 approved, 4 rejected */
  templateStatus(request: RequestOf<"template-status">, options?: CallOptions): Promise<EndpointTypes["template-status"]['answer']> {
    return this.call("template-status", request, options);
  }

  /** Set (action 0, with a 6-digit pin) or remove (1) the two-step verification PIN of a Cloud API number */
  twoStepVerification(request: RequestOf<"two-step-verification">, options?: CallOptions): Promise<EndpointTypes["two-step-verification"]['answer']> {
    return this.call("two-step-verification", request, options);
  }

  /** Change a group's subject, description or icon */
  updateGroupInfo(request: RequestOf<"update-group-info">, options?: CallOptions): Promise<EndpointTypes["update-group-info"]['answer']> {
    return this.call("update-group-info", request, options);
  }

  /** Update the number's profile: about, address, description, email, industry, websites, picture */
  updateProfile(request: RequestOf<"update-profile">, options?: CallOptions): Promise<EndpointTypes["update-profile"]['answer']> {
    return this.call("update-profile", request, options);
  }

  /** A pairing code to link the session by phone number instead of QR */
  whatsappPairingCode(request: RequestOf<"whatsapp-pairing-code">, options?: CallOptions): Promise<EndpointTypes["whatsapp-pairing-code"]['answer']> {
    return this.call("whatsapp-pairing-code", request, options);
  }

  /** The QR code (text and PNG) to link a WhatsApp Web session; 404 with the reason when there is none */
  whatsappQr(request: RequestOf<"whatsapp-qr">, options?: CallOptions): Promise<EndpointTypes["whatsapp-qr"]['answer']> {
    return this.call("whatsapp-qr", request, options);
  }

}
