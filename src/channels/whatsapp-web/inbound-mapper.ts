// Reads a WhatsApp message (the protocol's content object, whatever shape it arrives in) into what the
// global webhook reports: Picky's inbound type, text, location, contacts, the quoted message, group and
// sender. Anything it does not understand is skipped, never thrown on.
import type { InboundDetails } from '../../core/index.js';
import type { WaMessage } from './wa-client.js';

type Fields = Record<string, unknown>;

export interface ReadMessage {
  waId: string;
  chatJid: string;
  /** Picky inbound type: 1 text, 2 image, 3 video, 4 audio, 5 location, 6 document, 7 contact, 9 interactive. */
  type: number;
  text: string;
  sender: string;
  senderName: string;
  isFromMe: boolean;
  /** The WhatsApp id of the message this one replies to ('' when none). */
  quotedWaId: string;
  details: InboundDetails;
  media: { mime: string; fileName: string; size: number } | undefined;
  receivedAt: number | undefined;
}

const asObject = (value: unknown): Fields | undefined => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : undefined);
const asText = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
const asNumber = (value: unknown): number | undefined => {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'object' && value !== null ? Number(String(value)) : NaN;
  return Number.isFinite(number) ? number : undefined;
};

/** "15551234567@s.whatsapp.net" / "15551234567:3@s.whatsapp.net" → "15551234567". */
export function numberOfJid(jid: string): string {
  return jid.split('@')[0]!.split(':')[0]!;
}

/** Wrappers that carry the real content one level down (disappearing, view-once, captioned documents). */
const WRAPPERS = ['ephemeralMessage', 'viewOnceMessage', 'viewOnceMessageV2', 'viewOnceMessageV2Extension', 'documentWithCaptionMessage'];

function unwrap(content: Fields): Fields {
  let current = content;
  for (let depth = 0; depth < 4; depth += 1) {
    const wrapper = WRAPPERS.map((name) => asObject(asObject(current[name])?.message)).find(Boolean);
    if (!wrapper) break;
    current = wrapper;
  }
  return current;
}

const MEDIA_TYPES: [field: string, type: number][] = [['imageMessage', 2], ['videoMessage', 3], ['audioMessage', 4], ['documentMessage', 6], ['stickerMessage', 2]];

/** "TEL;type=CELL;waid=15551234567:+1 555…" → "15551234567". */
function vcardPhone(vcard: string): string {
  return /waid=(\d+)/.exec(vcard)?.[1] ?? (/TEL[^:]*:([+\d\s()-]+)/.exec(vcard)?.[1] ?? '').replace(/\D/g, '');
}

function contactCard(item: Fields): Record<string, string> {
  const vcard = asText(item.vcard);
  return { name: asText(item.displayName), phone: vcardPhone(vcard), vcard };
}

type Body = Pick<ReadMessage, 'type' | 'text' | 'media'> & { details: InboundDetails; context: Fields | undefined };

function readBody(content: Fields): Body | undefined {
  if (typeof content.conversation === 'string') return { type: 1, text: content.conversation, media: undefined, details: {}, context: undefined };
  const extended = asObject(content.extendedTextMessage);
  if (extended) return { type: 1, text: asText(extended.text), media: undefined, details: {}, context: asObject(extended.contextInfo) };
  for (const [field, type] of MEDIA_TYPES) {
    const media = asObject(content[field]);
    if (!media) continue;
    const mime = asText(media.mimetype) || (field === 'stickerMessage' ? 'image/webp' : 'application/octet-stream');
    return { type, text: asText(media.caption), media: { mime, fileName: asText(media.fileName), size: asNumber(media.fileLength) ?? 0 }, details: {}, context: asObject(media.contextInfo) };
  }
  const location = asObject(content.locationMessage) ?? asObject(content.liveLocationMessage);
  if (location) {
    const lat = asNumber(location.degreesLatitude);
    const long = asNumber(location.degreesLongitude);
    if (lat === undefined || long === undefined) return undefined;
    const place = { lat, long, name: asText(location.name), address: asText(location.address), url: asText(location.url) };
    return { type: 5, text: asText(location.caption), media: undefined, details: { location: place }, context: asObject(location.contextInfo) };
  }
  const contact = asObject(content.contactMessage);
  if (contact) return { type: 7, text: '', media: undefined, details: { contacts: [contactCard(contact)] }, context: asObject(contact.contextInfo) };
  const contactList = asObject(content.contactsArrayMessage);
  if (contactList && Array.isArray(contactList.contacts)) {
    const contacts = contactList.contacts.map(asObject).filter((item): item is Fields => item !== undefined).slice(0, 20).map(contactCard);
    return { type: 7, text: '', media: undefined, details: { contacts }, context: asObject(contactList.contextInfo) };
  }
  const buttons = asObject(content.buttonsResponseMessage) ?? asObject(content.templateButtonReplyMessage);
  if (buttons) {
    const id = asText(buttons.selectedButtonId ?? buttons.selectedId);
    const description = asText(buttons.selectedDisplayText);
    return { type: 9, text: description, media: undefined, details: { interactive: { type: 2, id, description }, payload: id }, context: asObject(buttons.contextInfo) };
  }
  const list = asObject(content.listResponseMessage);
  if (list) {
    const id = asText(asObject(list.singleSelectReply)?.selectedRowId);
    const description = asText(list.title);
    return { type: 9, text: description, media: undefined, details: { interactive: { type: 1, id, description }, payload: id }, context: asObject(list.contextInfo) };
  }
  return undefined;
}

/** The message as the webhook sees it, or undefined for what is not a user message (status updates, reactions, protocol messages). */
export function readMessage(message: WaMessage): ReadMessage | undefined {
  const key = asObject(message?.key);
  const content = asObject(message?.message);
  if (!key || !content) return undefined;
  const chatJid = asText(key.remoteJid);
  const waId = asText(key.id);
  if (!chatJid || !waId || chatJid === 'status@broadcast' || chatJid.endsWith('@newsletter')) return undefined;
  const body = readBody(unwrap(content));
  if (!body) return undefined;
  const isGroup = chatJid.endsWith('@g.us');
  // Newer accounts address people by LID; the phone-number JID then travels alongside.
  const senderJid = isGroup ? asText(key.participantAlt) || asText(key.participant) : asText(key.remoteJidAlt) || chatJid;
  const details: InboundDetails = { ...body.details };
  if (isGroup) details.groupId = chatJid;
  const mentions = body.context?.mentionedJid;
  if (Array.isArray(mentions) && mentions.length > 0) details.mentions = mentions.map(asText).filter(Boolean).map(numberOfJid).slice(0, 50);
  const timestamp = asNumber(message.messageTimestamp);
  return {
    waId,
    chatJid,
    type: body.type,
    text: body.text,
    sender: numberOfJid(senderJid),
    senderName: asText(message.pushName),
    isFromMe: key.fromMe === true,
    quotedWaId: asText(body.context?.stanzaId),
    details,
    media: body.media,
    receivedAt: timestamp === undefined ? undefined : timestamp * 1000,
  };
}
