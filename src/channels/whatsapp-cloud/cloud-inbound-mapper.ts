// Reads one message of a Cloud API `messages` webhook into what the global webhook reports: Picky's
// inbound type, text, location, contacts, button and list replies, reactions, the media to download,
// and the wamid it replies to. Anything it does not understand is skipped, never thrown on.
import type { InboundDetails } from '../../core/index.js';
import { type Json, asRecord, text } from '../meta/graph-json.js';

const number = (value: unknown): number | undefined => {
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(parsed) ? parsed : undefined;
};

export interface CloudInbound {
  wamid: string;
  from: string;
  type: number;
  text: string;
  details: InboundDetails;
  /** Media to fetch through Graph (`GET /{id}`). */
  mediaId: string;
  /** The wamid this message answers or reacts to. */
  contextWamid: string;
  receivedAt: number | undefined;
}

const MEDIA_TYPES: Record<string, number> = { image: 2, video: 3, audio: 4, document: 6, sticker: 2 };

export function readCloudMessage(message: Json): CloudInbound | undefined {
  const wamid = text(message.id);
  const from = text(message.from);
  if (!wamid || !from) return undefined;
  const type = text(message.type);
  const timestamp = number(message.timestamp);
  const base = { wamid, from, details: {} as InboundDetails, mediaId: '', contextWamid: text(asRecord(message.context).id), receivedAt: timestamp === undefined ? undefined : timestamp * 1000 };
  const content = asRecord(message[type]);
  if (type === 'text') return { ...base, type: 1, text: text(content.body) };
  if (MEDIA_TYPES[type] !== undefined) return { ...base, type: MEDIA_TYPES[type]!, text: text(content.caption), mediaId: text(content.id) };
  if (type === 'location') {
    const lat = number(content.latitude);
    const long = number(content.longitude);
    if (lat === undefined || long === undefined) return undefined;
    return { ...base, type: 5, text: '', details: { location: { lat, long, name: text(content.name), address: text(content.address), url: text(content.url) } } };
  }
  if (type === 'contacts') {
    const contacts = (Array.isArray(message.contacts) ? message.contacts : []).slice(0, 20).map((item) => {
      const card = asRecord(item);
      const phone = asRecord((Array.isArray(card.phones) ? card.phones : [])[0]);
      return { name: text(asRecord(card.name).formatted_name), phone: text(phone.wa_id) || text(phone.phone).replace(/\D/g, '') };
    });
    return { ...base, type: 7, text: '', details: { contacts } };
  }
  if (type === 'interactive') {
    const reply = asRecord(content.button_reply);
    const row = asRecord(content.list_reply);
    if (text(content.type) === 'button_reply') return { ...base, type: 9, text: text(reply.title), details: { interactive: { type: 2, id: text(reply.id), description: text(reply.title) }, payload: text(reply.id) } };
    if (text(content.type) === 'list_reply') return { ...base, type: 9, text: text(row.title), details: { interactive: { type: 1, id: text(row.id), description: text(row.description) || text(row.title) }, payload: text(row.id) } };
    return undefined;
  }
  if (type === 'button') {
    // A quick-reply button of a template: its payload is the one the push gave (`payload`).
    const payload = text(content.payload);
    return { ...base, type: 9, text: text(content.text), details: { interactive: { type: 2, id: payload, description: text(content.text) }, payload } };
  }
  if (type === 'reaction') {
    const emoji = text(content.emoji);
    // An emptied reaction (removed) is no message.
    if (!emoji) return undefined;
    return { ...base, type: 1, text: emoji, contextWamid: text(content.message_id) };
  }
  return undefined;
}
