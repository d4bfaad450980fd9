// The `push` request model: every documented variable, top level and per recipient, read and checked
// with the documented codes (402 empty list, 406 bad number, 407 nothing to send, 410 anything else
// malformed), then resolved to one concrete message per recipient (per-recipient fields win).
import { isApplication } from '../applications.js';
import type { ContactCard, Location, MessageDetails, MessageKind } from '../messages/message.js';
import { PickyError, Status, invalidRequest } from '../status-codes.js';
import {
  isObject,
  readArray,
  readDecimal,
  readFlag,
  readInteger,
  readStructuredArray,
  readText,
  readTextArray,
  readUrl,
  type Raw,
} from './field-reader.js';
import { classifyMedia, decodeMedia, mediaKindOfUrl, type DecodedMedia, type MediaKind, type MediaTypeDetector, type UploadedMedia } from './media.js';

export const PUSH_LIMITS = {
  text: 4096,
  mediaName: 20,
  templateHeader: 60,
  url: 2048,
  referenceNumber: 64,
  quoted: 64,
  templateId: 128,
  language: 16,
  templateValues: 20,
  templateValue: 1024,
  buttons: 10,
  buttonJson: 2048,
  payloadItems: 10,
  payloadItem: 256,
  contacts: 10,
  contactField: 256,
  /** A photo travels inside the vCard, copied into every recipient's message: kept small. */
  contactImageBytes: 256 * 1024,
  locationText: 256,
  messengerId: 64,
  groupId: 128,
  action: 32,
} as const;

const CONTACT_FIELDS = ['first_name', 'last_name', 'phone', 'city', 'country', 'country_code', 'state', 'street', 'address_type', 'zip', 'email', 'company'] as const;

export interface MessageDraft {
  recipient: string;
  kind: MessageKind;
  text: string;
  mediaUrl: string;
  /** Index into ParsedPush.uploads when the media came as base64. */
  upload: number | undefined;
  details: MessageDetails;
  referenceNumber: string;
  quoted: string;
}

export interface PushUpload extends UploadedMedia {
  fileName: string;
}

export interface ParsedPush {
  application: number;
  priority: 0 | 1;
  messages: MessageDraft[];
  uploads: PushUpload[];
  /** Whether the request asked for a voice note (`voice: 1`). */
  wantsVoice: boolean;
}

/** Digits with country code: `+`, spaces, dashes and brackets are removed; 5-15 digits, no leading 0. */
export function normalizeNumber(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const digits = String(value).replace(/[+\s\-()]/g, '');
  return /^[1-9]\d{4,14}$/.test(digits) ? digits : undefined;
}

function readLocation(raw: Raw): Location | undefined {
  const value = raw.location;
  if (value === undefined || value === null || value === '') return undefined;
  if (!isObject(value)) throw invalidRequest('location must be an object with name, address, lat and long');
  return {
    name: readText(value, 'name', 'location.', PUSH_LIMITS.locationText) ?? '',
    address: readText(value, 'address', 'location.', PUSH_LIMITS.locationText) ?? '',
    lat: readDecimal(value, 'lat', 'location.', -90, 90),
    long: readDecimal(value, 'long', 'location.', -180, 180),
  };
}

function readContacts(raw: Raw): ContactCard[] | undefined {
  const items = readArray(raw, 'contact', '', PUSH_LIMITS.contacts);
  if (!items || items.length === 0) return undefined;
  return items.map((item, index) => {
    const path = `contact[${index}].`;
    if (!isObject(item)) throw invalidRequest(`contact[${index}] must be an object`);
    const card: ContactCard = {};
    for (const field of CONTACT_FIELDS) {
      const text = readText(item, field, path, PUSH_LIMITS.contactField);
      if (text !== undefined) card[field] = text;
    }
    if (!card.first_name && !card.phone) throw invalidRequest(`${path}first_name or ${path}phone is required`);
    const image = readText(item, 'contact_image', path, Number.MAX_SAFE_INTEGER);
    // Kept as plain base64 (a data: prefix and line breaks removed): it goes into the vCard as it is.
    if (image) card.contact_image = decodeMedia(image, `${path}contact_image`, PUSH_LIMITS.contactImageBytes).bytes.toString('base64');
    return card;
  });
}

/** vCard photo types: what address books read. */
const CONTACT_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif']);

/** A contact's photo must be one; its type is kept beside it (`contact_image_type`) for the vCard. */
async function checkContactImages(contacts: ContactCard[], detect: MediaTypeDetector): Promise<void> {
  for (const [index, card] of contacts.entries()) {
    if (!card.contact_image) continue;
    const mime = await detect(Buffer.from(card.contact_image, 'base64'));
    if (!mime || !CONTACT_IMAGE_TYPES.has(mime)) throw invalidRequest(`contact[${index}].contact_image must be a JPEG, PNG or GIF image (found ${mime ?? 'an unknown type'})`);
    card.contact_image_type = mime;
  }
}

interface Globals {
  message?: string | undefined;
  mediaUrl?: string | undefined;
  mediaCode?: string | undefined;
  templateValues?: string[] | undefined;
  language?: string | undefined;
  templateHeader?: string | undefined;
  buttons?: unknown[] | undefined;
}

function readGlobals(raw: Raw): Globals {
  return {
    message: readText(raw, 'globalmessage', '', PUSH_LIMITS.text),
    mediaUrl: readUrl(raw, 'globalmedia', '', PUSH_LIMITS.url),
    mediaCode: readText(raw, 'globalmedia_code', '', Number.MAX_SAFE_INTEGER),
    templateValues: readTextArray(raw, 'template_globalmessage', '', PUSH_LIMITS.templateValues, PUSH_LIMITS.templateValue),
    language: readText(raw, 'language', '', PUSH_LIMITS.language),
    templateHeader: readText(raw, 'template_header', '', PUSH_LIMITS.templateHeader),
    buttons: readStructuredArray(raw, 'interactive_globalbuttons', '', PUSH_LIMITS.buttons, PUSH_LIMITS.buttonJson),
  };
}

/** Decodes each distinct base64 upload once, however many recipients share it; types them after. */
class Uploads {
  private readonly decoded: DecodedMedia[] = [];
  private readonly byText = new Map<string, number>();
  list: PushUpload[] = [];
  constructor(private readonly fileName: string) {}

  add(text: string, field: string): number {
    const known = this.byText.get(text);
    if (known !== undefined) return known;
    this.decoded.push(decodeMedia(text, field));
    this.byText.set(text, this.decoded.length - 1);
    return this.decoded.length - 1;
  }

  get count(): number {
    return this.decoded.length;
  }

  async classify(detect: MediaTypeDetector): Promise<void> {
    const name = this.fileName || undefined;
    this.list = await Promise.all(this.decoded.map(async (media) => ({ ...(await classifyMedia(media, name, detect)), fileName: this.fileName })));
  }
}

/** A message carrying media: a sticker or voice note when the request asks (a voice note must be audio). */
function mediaMessageKind(media: MediaKind, isSticker: boolean, wantsVoice: boolean): MessageKind {
  if (isSticker) return 'sticker';
  return wantsVoice && media === 'audio' ? 'voice' : media;
}

export async function parsePushRequest(raw: Raw, maxRecipients: number, detect: MediaTypeDetector): Promise<ParsedPush> {
  const application = readInteger(raw, 'application', '');
  if (application === undefined) throw invalidRequest('application is required');
  const priority = readInteger(raw, 'priority', '') ?? 0;
  if (priority !== 0 && priority !== 1) throw invalidRequest('priority must be 0 (low) or 1 (high)');
  const globals = readGlobals(raw);
  const mediaName = readText(raw, 'media_name', '', PUSH_LIMITS.mediaName) ?? '';
  const wantsVoice = readFlag(raw, 'voice', '');
  const isSticker = readFlag(raw, 'sticker', '');
  const createContact = readFlag(raw, 'createcontact', '');
  const location = readLocation(raw);
  const contacts = readContacts(raw);
  const templateId = readText(raw, 'template_id', '', PUSH_LIMITS.templateId);
  const groupId = readText(raw, 'group_id', '', PUSH_LIMITS.groupId);
  const action = readText(raw, 'action', '', PUSH_LIMITS.action);
  const uploads = new Uploads(mediaName);

  let entries = raw.data;
  if (entries !== undefined && entries !== null && entries !== '' && !Array.isArray(entries)) throw invalidRequest('data must be an array');
  entries = (entries as unknown[] | undefined | null | '') || [];
  const list = entries as unknown[];
  // A group message goes to the group; `data` may then be empty or carry the per-message fields.
  if (list.length === 0 && !groupId) throw new PickyError(Status.emptyNumberList, 'data is empty');
  if (list.length > maxRecipients) throw invalidRequest(`data has more than ${maxRecipients} recipients (${list.length})`);
  const isMessenger = application === 5;
  const recipients = groupId ? [list[0] ?? {}] : list;

  // What makes a message a template, location or contact is the request's, not the entry's.
  const requestKind: MessageKind | undefined = templateId ? 'template' : location ? 'location' : contacts ? 'contact' : undefined;
  // Kinds are settled while reading, except for base64 media, whose kind comes from its content (below).
  // No closure per entry: one capturing the entry's variables made V8 keep them all on the heap.
  const messages = recipients.map((entry, index): MessageDraft => {
    const path = `data[${index}].`;
    if (!isObject(entry)) throw invalidRequest(`data[${index}] must be an object`);
    let recipient: string;
    // A channel id as `application` may name a Messenger channel: its recipients come as messenger_id.
    const isMessengerEntry = isMessenger || (!isApplication(application) && entry.messenger_id !== undefined && entry.number === undefined);
    if (groupId) recipient = groupId;
    else if (isMessengerEntry) {
      const id = readText(entry, 'messenger_id', path, PUSH_LIMITS.messengerId) ?? readText(entry, 'number', path, PUSH_LIMITS.messengerId);
      if (!id) throw invalidRequest(`${path}messenger_id is required for application 5`);
      recipient = id;
    } else {
      const number = normalizeNumber(entry.number);
      if (!number) {
        const shown = typeof entry.number === 'string' || typeof entry.number === 'number' ? `'${entry.number}'` : 'missing';
        throw new PickyError(Status.invalidNumber, `${path}number ${shown}: digits with country code, 5-15 long, not starting with 0`);
      }
      recipient = number;
    }
    const text = readText(entry, 'message', path, PUSH_LIMITS.text) ?? globals.message ?? '';
    const mediaUrl = readUrl(entry, 'media', path, PUSH_LIMITS.url) ?? globals.mediaUrl ?? '';
    const ownCode = readText(entry, 'media_code', path, Number.MAX_SAFE_INTEGER);
    const upload = ownCode !== undefined ? uploads.add(ownCode, `${path}media_code`) : globals.mediaCode !== undefined ? uploads.add(globals.mediaCode, 'globalmedia_code') : undefined;
    const details: MessageDetails = {};
    const templateValues = readTextArray(entry, 'template_message', path, PUSH_LIMITS.templateValues, PUSH_LIMITS.templateValue) ?? globals.templateValues;
    const language = readText(entry, 'language', path, PUSH_LIMITS.language) ?? globals.language;
    const templateHeader = readText(entry, 'template_header', path, PUSH_LIMITS.templateHeader) ?? globals.templateHeader;
    const buttons = readStructuredArray(entry, 'interactive_buttons', path, PUSH_LIMITS.buttons, PUSH_LIMITS.buttonJson) ?? globals.buttons;
    const payload = readTextArray(entry, 'payload', path, PUSH_LIMITS.payloadItems, PUSH_LIMITS.payloadItem);
    if (templateId) Object.assign(details, { templateId }, templateValues && { templateValues }, language && { language }, templateHeader && { templateHeader });
    if (location) details.location = location;
    if (contacts) details.contacts = contacts;
    if (buttons) details.buttons = buttons;
    if (payload) details.payload = payload;
    if (groupId) details.groupId = groupId;
    if (mediaName) details.mediaName = mediaName;
    if (createContact) details.createContact = true;
    if (action) details.action = action;

    let kind: MessageKind;
    if (requestKind) kind = requestKind;
    // Typed once the upload's content is known; a placeholder until then.
    else if (upload !== undefined) kind = 'document';
    else if (mediaUrl !== '') kind = mediaMessageKind(mediaKindOfUrl(mediaUrl), isSticker, wantsVoice);
    else if (text !== '') kind = buttons ? 'interactive' : 'text';
    else throw new PickyError(Status.emptyMessage, `data[${index}] has no text, media, template, location, contact or sticker`);
    return {
      recipient,
      kind,
      text,
      mediaUrl,
      upload,
      details,
      referenceNumber: readText(entry, 'reference_number', path, PUSH_LIMITS.referenceNumber) ?? '',
      quoted: readText(entry, 'quoted', path, PUSH_LIMITS.quoted) ?? '',
    };
  });
  if (uploads.count > 0) {
    await uploads.classify(detect);
    if (!requestKind) for (const message of messages) if (message.upload !== undefined) message.kind = mediaMessageKind(uploads.list[message.upload]!.kind, isSticker, wantsVoice);
  }
  if (contacts) await checkContactImages(contacts, detect);
  return { application, priority, messages, uploads: uploads.list, wantsVoice };
}
