// Turns an outbound message into what the WhatsApp Web socket sends: the chat JID (a number or a group)
// and the content for its kind (text, media with caption, voice note, document with its name, sticker,
// location, vCards).
import type { ContactCard, OutboundMessage } from '../../core/index.js';
import type { FetchedMedia } from './media-fetcher.js';
import type { WaContent } from './wa-client.js';

/** A number gets the personal JID; a group id may come bare ("1203…") or as a JID ("1203…@g.us"). */
export function chatJidFor(message: Pick<OutboundMessage, 'recipient' | 'details'>): string {
  const group = message.details.groupId;
  if (group) return group.includes('@') ? group : `${group}@g.us`;
  return `${message.recipient}@s.whatsapp.net`;
}

function escapeVcard(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/[,;]/g, (match) => `\\${match}`);
}

/** A vCard 3.0 of a Picky contact; `waid` lets WhatsApp show the "Message" button. */
export function vcardOf(card: ContactCard): { displayName: string; vcard: string } {
  const first = card.first_name ?? '';
  const last = card.last_name ?? '';
  const displayName = `${first} ${last}`.trim() || card.phone || 'Contact';
  const phone = (card.phone ?? '').replace(/\D/g, '');
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `N:${escapeVcard(last)};${escapeVcard(first)};;;`, `FN:${escapeVcard(displayName)}`];
  if (card.company) lines.push(`ORG:${escapeVcard(card.company)}`);
  if (phone) lines.push(`TEL;type=CELL;waid=${phone}:+${phone}`);
  if (card.email) lines.push(`EMAIL:${escapeVcard(card.email)}`);
  // The push's contact_image (checked to be a JPEG, PNG or GIF, its type kept beside it), inline in base64.
  if (card.contact_image) {
    const type = card.contact_image_type ? `;TYPE=${card.contact_image_type.replace('image/', '').toUpperCase()}` : '';
    lines.push(`PHOTO;ENCODING=b${type}:${card.contact_image}`);
  }
  if (card.street || card.city || card.state || card.zip || card.country) {
    const parts = [card.street, card.city, card.state, card.zip, card.country].map((part) => escapeVcard(part ?? ''));
    lines.push(`ADR;type=${escapeVcard(card.address_type || 'HOME')}:;;${parts.join(';')}`);
  }
  lines.push('END:VCARD');
  return { displayName, vcard: lines.join('\n') };
}

/** WhatsApp plays voice notes only as Ogg Opus; the mime type must say so. */
function voiceMime(mime: string): string {
  return mime === 'audio/ogg' ? 'audio/ogg; codecs=opus' : mime;
}

export function contentFor(message: OutboundMessage, media: FetchedMedia | undefined): WaContent {
  const caption = message.text || undefined;
  const needMedia = (): FetchedMedia => {
    if (!media) throw new Error(`a ${message.kind} message needs media`);
    return media;
  };
  switch (message.kind) {
    case 'text':
      return { text: message.text };
    case 'image':
      return { image: needMedia().data, mimetype: needMedia().mime, ...(caption && { caption }) };
    case 'video':
      return { video: needMedia().data, mimetype: needMedia().mime, ...(caption && { caption }) };
    case 'audio':
      return { audio: needMedia().data, ptt: false, mimetype: needMedia().mime };
    case 'voice':
      return { audio: needMedia().data, ptt: true, mimetype: voiceMime(needMedia().mime) };
    case 'document':
      return { document: needMedia().data, mimetype: needMedia().mime, fileName: message.details.mediaName || needMedia().fileName, ...(caption && { caption }) };
    case 'sticker':
      return { sticker: needMedia().data };
    case 'location': {
      const place = message.details.location!;
      return { location: { degreesLatitude: place.lat, degreesLongitude: place.long, ...(place.name && { name: place.name }), ...(place.address && { address: place.address }) } };
    }
    case 'contact': {
      const cards = (message.details.contacts ?? []).map(vcardOf);
      return { contacts: { displayName: cards.length === 1 ? cards[0]!.displayName : `${cards.length} contacts`, contacts: cards } };
    }
    default:
      throw new Error(`WhatsApp Web cannot send ${message.kind} messages`);
  }
}
