// Builds the body of Cloud API `POST /{phone_number_id}/messages` for one of our messages: text (with
// link preview), media by link or uploaded id, location, contacts, reply context, templates with their
// components, and interactive reply buttons or lists. Pure: no I/O, so every shape is unit-testable.
import type { MetaTemplate, OutboundMessage } from '../../core/index.js';
import { type Json, asRecord, text } from '../meta/graph-json.js';

/** Media as Graph takes it: a public link (Meta fetches it) or the id of media uploaded first. */
export type MediaRef = { link: string } | { id: string };

export interface BodyContext {
  media: MediaRef | undefined;
  /** The file name shown for documents. */
  fileName: string;
  template: MetaTemplate | undefined;
  /** The wamid of the message this one replies to. */
  quotedWamid: string | undefined;
}

export class MessageBodyError extends Error {
  override readonly name = 'MessageBodyError';
}

function mediaBody(message: OutboundMessage, context: BodyContext): Json {
  if (!context.media) throw new MessageBodyError('media message without media');
  const type = message.kind === 'voice' ? 'audio' : message.kind;
  const content: Json = { ...context.media };
  // Audio and stickers take no caption on WhatsApp.
  if (message.text && (type === 'image' || type === 'video' || type === 'document')) content.caption = message.text;
  if (type === 'document' && context.fileName) content.filename = context.fileName;
  return { type, [type]: content };
}

function contactsBody(message: OutboundMessage): Json {
  const contacts = (message.details.contacts ?? []).map((card) => {
    const formatted = [card.first_name, card.last_name].filter(Boolean).join(' ') || card.phone || 'Contact';
    const contact: Json = { name: { formatted_name: formatted, ...(card.first_name && { first_name: card.first_name }), ...(card.last_name && { last_name: card.last_name }) } };
    if (card.phone) contact.phones = [{ phone: card.phone, type: 'CELL' }];
    if (card.email) contact.emails = [{ email: card.email, type: 'WORK' }];
    if (card.company) contact.org = { company: card.company };
    if (card.street || card.city || card.state || card.zip || card.country) {
      contact.addresses = [{ street: card.street ?? '', city: card.city ?? '', state: card.state ?? '', zip: card.zip ?? '', country: card.country ?? '', country_code: card.country_code ?? '', type: (card.address_type ?? 'HOME').toUpperCase() }];
    }
    return contact;
  });
  return { type: 'contacts', contacts };
}

interface Choice {
  id: string;
  title: string;
  description: string;
}

function choiceOf(item: unknown, index: number, payload: readonly string[]): Choice {
  if (typeof item === 'string') return { id: payload[index] ?? item, title: item, description: '' };
  const fields = asRecord(item);
  const title = text(fields.title) || text(fields.text);
  return { id: text(fields.id) || payload[index] || title, title, description: text(fields.description) };
}

/**
 * `interactive_buttons`: up to 3 plain choices become reply buttons; more, or choices with a
 * `description`, or sections (`{title, rows: [...]}`) become a list whose button says the first item's
 * `button` (or "Options"). Ids come from the item, else `payload[i]`, else the title.
 */
function interactiveBody(message: OutboundMessage): Json {
  const items = message.details.buttons ?? [];
  const payload = message.details.payload ?? [];
  const isSectioned = items.some((item) => Array.isArray(asRecord(item).rows));
  const choices = isSectioned ? [] : items.map((item, index) => choiceOf(item, index, payload));
  const body = { text: message.text };
  if (!isSectioned && choices.length <= 3 && choices.every((choice) => !choice.description)) {
    return { type: 'interactive', interactive: { type: 'button', body, action: { buttons: choices.map((choice) => ({ type: 'reply', reply: { id: choice.id, title: choice.title } })) } } };
  }
  const row = (choice: Choice) => ({ id: choice.id, title: choice.title, ...(choice.description && { description: choice.description }) });
  const sections = isSectioned
    ? items.map((item) => {
        const section = asRecord(item);
        const rows = (section.rows as unknown[]).map((entry, index) => row(choiceOf(entry, index, [])));
        return { ...(text(section.title) && { title: text(section.title) }), rows };
      })
    : [{ rows: choices.map(row) }];
  const button = text(asRecord(items[0]).button) || 'Options';
  return { type: 'interactive', interactive: { type: 'list', body, action: { button, sections } } };
}

function componentOf(template: MetaTemplate, type: string): Json | undefined {
  return template.components.map(asRecord).find((component) => text(component.type).toUpperCase() === type);
}

/** The template's components filled from the push: header, body values, and button parameters. */
function templateBody(message: OutboundMessage, context: BodyContext): Json {
  const template = context.template;
  if (!template) throw new MessageBodyError(`template ${message.details.templateId ?? ''} is not known to this channel`);
  const components: Json[] = [];
  const header = componentOf(template, 'HEADER');
  const format = text(header?.format).toUpperCase();
  if (header && format === 'TEXT' && /\{\{\s*1\s*\}\}/.test(text(header.text))) {
    components.push({ type: 'header', parameters: [{ type: 'text', text: message.details.templateHeader ?? '' }] });
  } else if (header && ['IMAGE', 'VIDEO', 'DOCUMENT'].includes(format)) {
    if (!context.media) throw new MessageBodyError(`template ${template.name} has a ${format.toLowerCase()} header: give globalmedia or media`);
    const kind = format.toLowerCase();
    const fileName = message.details.templateHeader ?? context.fileName;
    components.push({ type: 'header', parameters: [{ type: kind, [kind]: { ...context.media, ...(kind === 'document' && fileName && { filename: fileName }) } }] });
  }
  const values = message.details.templateValues ?? [];
  if (values.length > 0) components.push({ type: 'body', parameters: values.map((value) => ({ type: 'text', text: value })) });
  const buttons = (componentOf(template, 'BUTTONS')?.buttons as unknown[] | undefined) ?? [];
  const urlValues = (message.details.buttons ?? []).map((item) => (typeof item === 'string' ? item : text(asRecord(item).text) || text(asRecord(item).value)));
  let urlIndex = 0;
  let replyIndex = 0;
  buttons.map(asRecord).forEach((button, index) => {
    const type = text(button.type).toUpperCase();
    if (type === 'URL' && /\{\{\s*1\s*\}\}/.test(text(button.url))) {
      const value = urlValues[urlIndex++];
      if (value !== undefined) components.push({ type: 'button', sub_type: 'url', index: String(index), parameters: [{ type: 'text', text: value }] });
    } else if (type === 'QUICK_REPLY') {
      const payload = message.details.payload?.[replyIndex++];
      if (payload !== undefined) components.push({ type: 'button', sub_type: 'quick_reply', index: String(index), parameters: [{ type: 'payload', payload }] });
    }
  });
  return { type: 'template', template: { name: template.name, language: { code: template.language }, ...(components.length > 0 && { components }) } };
}

export function cloudMessageBody(message: OutboundMessage, context: BodyContext): Json {
  let content: Json;
  switch (message.kind) {
    case 'text':
      content = { type: 'text', text: { body: message.text, preview_url: /https?:\/\//i.test(message.text) } };
      break;
    case 'location': {
      const place = message.details.location!;
      content = { type: 'location', location: { latitude: place.lat, longitude: place.long, ...(place.name && { name: place.name }), ...(place.address && { address: place.address }) } };
      break;
    }
    case 'contact':
      content = contactsBody(message);
      break;
    case 'template':
      content = templateBody(message, context);
      break;
    case 'interactive':
      content = interactiveBody(message);
      break;
    default:
      content = mediaBody(message, context);
  }
  return { messaging_product: 'whatsapp', recipient_type: 'individual', to: message.recipient, ...(context.quotedWamid && { context: { message_id: context.quotedWamid } }), ...content };
}
