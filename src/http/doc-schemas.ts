// Documentation schemas: the shapes of requests that endpoints read themselves (push, conference, templates),
// of the webhooks the gateway sends, and of Picky answers. /openapi.json and the typed client are built from
// them; the routes that validate with TypeBox schemas use those schemas directly.
import { Type, type TSchema } from '@sinclair/typebox';

const Text = (description?: string) => Type.String(description ? { description } : {});
const NumberLike = (description: string) => Type.Union([Type.Integer(), Type.String({ pattern: '^\\s*-?\\d+\\s*$' })], { description });
const Optional = <T extends TSchema>(schema: T) => Type.Optional(schema);

const Location = Type.Object({ name: Optional(Text()), address: Optional(Text()), lat: Type.Union([Type.Number(), Type.String()]), long: Type.Union([Type.Number(), Type.String()]) });
const Contact = Type.Object(
  {
    first_name: Optional(Text()),
    last_name: Optional(Text()),
    phone: Optional(Text()),
    email: Optional(Text()),
    company: Optional(Text()),
    city: Optional(Text()),
    country: Optional(Text()),
    country_code: Optional(Text()),
    state: Optional(Text()),
    street: Optional(Text()),
    zip: Optional(Text()),
    address_type: Optional(Text()),
    contact_image: Optional(Text('base64 image')),
  },
  { additionalProperties: true },
);

const Recipient = Type.Object(
  {
    number: Optional(Text('digits with country code, no + or leading 0, 5 to 15 long')),
    messenger_id: Optional(Text('Messenger recipient (application 5)')),
    message: Optional(Text('overrides globalmessage; the caption of media')),
    media: Optional(Text('public URL of media for this recipient')),
    media_code: Optional(Text('base64 media for this recipient')),
    reference_number: Optional(Text('echoed in delivery reports')),
    quoted: Optional(Text('msg_id to quote')),
    template_message: Optional(Type.Array(Text())),
    language: Optional(Text()),
    template_header: Optional(Text()),
    interactive_buttons: Optional(Type.Array(Type.Unknown())),
    payload: Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: true },
);

export const PushRequest = Type.Object(
  {
    token: Text('project API token'),
    application: NumberLike('channel kind (1, 2, 3, 5, 8, 10, 101, 121) or one of the project\'s channel ids'),
    priority: Optional(NumberLike('0 low (default), 1 high; the documented "priority " spelling works too')),
    globalmessage: Optional(Text('text for every recipient')),
    globalmedia: Optional(Text('public URL of media for every recipient')),
    globalmedia_code: Optional(Text('base64 media')),
    media_name: Optional(Text('file name of a document')),
    voice: Optional(NumberLike('1: send audio as a voice note')),
    sticker: Optional(NumberLike('1: send the image as a sticker')),
    location: Optional(Location),
    contact: Optional(Type.Array(Contact)),
    template_id: Optional(Text()),
    language: Optional(Text()),
    template_header: Optional(Text()),
    template_globalmessage: Optional(Type.Array(Text())),
    interactive_globalbuttons: Optional(Type.Array(Type.Unknown())),
    group_id: Optional(Text()),
    idempotency_key: Optional(Text('like the Idempotency-Key header: a retried push gets the first answer')),
    data: Type.Array(Recipient, { description: 'the recipients (mandatory, not empty)' }),
  },
  { additionalProperties: true },
);

export const PushAnswer = Type.Object({
  push_id: Text('numeric string'),
  data: Type.Array(Type.Object({ msg_id: Text(), number: Text(), credit: Text('what the message cost') })),
});

export const ConferenceRequest = Type.Object({
  token: Text(),
  application: NumberLike('4'),
  priority: Optional(NumberLike('0 or 1')),
  mute_gateway: Optional(NumberLike('0 or 1')),
  record: Optional(NumberLike('0 or 1')),
  data: Type.Array(Type.Object({ number: Text() }), { description: '2 to 5 members' }),
});

export const TemplateRequest = Type.Object(
  {
    token: Text(),
    application: Optional(NumberLike('8, 101, 121 or a channel id')),
    name: Text('lowercase letters, digits and underscores'),
    message_type: NumberLike('1 text, 2 image, 3 document, 4 video'),
    category: Optional(Text()),
    sample_message: Optional(Type.Array(Text())),
    sample_url: Optional(Text()),
    sample_button_value: Optional(Text()),
    messages: Type.Array(Type.Object({ message: Text(), language: Text(), header: Optional(Text()), footer: Optional(Text()) })),
    buttons: Optional(Type.Array(Type.Unknown())),
  },
  { additionalProperties: true },
);

export const TemplateStatusRequest = Type.Object({ token: Text(), template_id: Optional(Text('blank: every template')) });

export const DeliveryReportAnswer = Type.Object({
  project_id: Text(),
  push_id: Type.Integer(),
  application: Text(),
  message_type: Text('1 image, 2 video, 3 text, 4 audio, 5 document'),
  time: Text('DD-MM-YYYY hh:mm AM, project time zone'),
  data: Type.Array(Type.Object({ number: Text(), msg_id: Text(), status: Text('0 unknown, 1 delivered, 2 failed, 3 read'), error_code: Text() }, { additionalProperties: true })),
});

export const ConferenceReportRow = Type.Object({ project_id: Text(), push_id: Text(), call_id: Text(), number: Text(), duration: Text(), status: Text('1 not started, 2 scheduled, 3 in progress, 4 completed, 5 cancelled'), time: Text() });

export const BalanceAnswer = Type.Object({ balance: Type.Number() });

/** `status` and `message` (the contract's exact text) and, for refusals, `detail` saying what was wrong. */
export function pickyAnswer(codes: readonly number[], fields?: TSchema): TSchema {
  const head = Type.Object({ status: Type.Union(codes.map((code) => Type.Literal(code))), message: Text(), detail: Optional(Text('what exactly was wrong (refusals only)')) }, { additionalProperties: true });
  return fields ? Type.Intersect([head, fields]) : head;
}

// Webhooks the gateway sends (see docs/webhooks.md).
export const InboundWebhook = Type.Object(
  {
    number: Text('sender; in groups "Group Name @Sender"'),
    messenger_id: Optional(Text()),
    name: Optional(Text()),
    'message-in': Text('URL-encoded text'),
    message_in_raw: Text(),
    application: Type.Integer(),
    type: Type.Integer({ description: '1 text, 2 image, 3 video, 4 audio, 5 location, 6 document, 7 contact, 9 interactive reply, 10 call' }),
    'media-url': Text(),
    'unique-id': Type.Integer(),
    'project-id': Text(),
    direction: Type.Integer({ description: '0 inbound, 1 sent from the phone itself' }),
    'group-id': Optional(Text()),
    'group-mentions': Optional(Type.Array(Text())),
    'group-sender': Optional(Text()),
    'context-msg-id': Optional(Text()),
    payload: Optional(Type.Unknown()),
    interactive: Optional(Type.Object({ type: Type.Integer(), id: Text(), description: Text() })),
    contact: Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
    Location: Optional(Type.Object({ lat: Type.Unknown(), long: Type.Unknown(), name: Optional(Text()), address: Optional(Text()), url: Optional(Text()) })),
  },
  { additionalProperties: true, description: 'Query parameters of the configured URL come along as extra variables.' },
);

export const InstantReply = Type.Object({
  'message-out': Optional(Text()),
  'media-url': Optional(Text()),
  delay: Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
  application: Optional(Type.Integer()),
});

export const DeliveryReportItem = Type.Object(
  {
    push_id: Text(),
    msg_id: Text(),
    number: Text(),
    status: Text('4 submitted, 1 delivered, 3 read, 2 failed, 5 refunded'),
    state: Text(),
    reference_number: Text(),
    message: Text(),
    message_type: Text(),
    media: Text(),
    channel_id: Text(),
    error_message: Text(),
    template_id: Text(),
    agent_id: Text(),
    source: Text(),
    at: Type.Integer({ description: 'epoch milliseconds' }),
  },
  { additionalProperties: true },
);

export const EventWebhook = Type.Union([
  Type.Object({ project_id: Text(), event_id: Type.Literal(1), data: Type.Array(DeliveryReportItem) }, { additionalProperties: true }),
  Type.Object({ project_id: Text(), event_id: Type.Literal(3), action: Type.Integer({ description: '1 joined, 2 left' }), group_id: Text(), group_subject: Text(), number: Text(), application: Type.Integer() }, { additionalProperties: true }),
  Type.Object({ project_id: Text(), event_id: Type.Literal(11), version: Type.Integer() }, { additionalProperties: true, description: 'call status (see conference-api.md)' }),
]);
