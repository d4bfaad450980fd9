// Reads a Picky `template-request` (name, category, message_type, samples, messages per language,
// buttons) and builds the template Meta's `POST /{waba_id}/message_templates` takes for each language.
// Meta's rules are checked here so that a client hears about them at once, with 410 naming the field.
import { isObject, readArray, readInteger, readText, readTextArray, readUrl, type Raw } from '../push/field-reader.js';
import { invalidRequest } from '../status-codes.js';

export interface TemplateRequest {
  name: string;
  category: string;
  messageType: number;
  languages: { language: string; components: unknown[] }[];
}

export const TEMPLATE_CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
const HEADER_FORMATS: Record<number, string> = { 2: 'IMAGE', 3: 'DOCUMENT', 4: 'VIDEO' };
const MAX_BUTTONS = 10;

/** How many {{n}} variables a text holds (Meta numbers them 1, 2, 3… in order). */
function variableCount(text: string): number {
  const numbers = [...text.matchAll(/\{\{\s*(\d+)\s*\}\}/g)].map((match) => Number(match[1]));
  return numbers.length === 0 ? 0 : Math.max(...numbers);
}

function readButtons(raw: Raw, sampleButton: string | undefined): unknown[] | undefined {
  const items = readArray(raw, 'buttons', '', MAX_BUTTONS);
  if (!items || items.length === 0) return undefined;
  return items.map((item, index) => {
    const path = `buttons[${index}].`;
    // A bare text is a quick-reply button.
    if (typeof item === 'string') return { type: 'QUICK_REPLY', text: item.slice(0, 25) };
    if (!isObject(item)) throw invalidRequest(`buttons[${index}] must be a text or an object`);
    const type = (readText(item, 'type', path, 20) ?? 'quick_reply').toLowerCase();
    const text = readText(item, 'text', path, 25);
    if (!text) throw invalidRequest(`${path}text is required (at most 25 characters)`);
    if (type === 'quick_reply') return { type: 'QUICK_REPLY', text };
    if (type === 'url') {
      const url = readUrl(item, 'url', path, 2000);
      if (!url) throw invalidRequest(`${path}url is required for a url button`);
      const isDynamic = /\{\{\s*1\s*\}\}$/.test(url);
      if (isDynamic && !sampleButton) throw invalidRequest('sample_button_value is required for a url button ending with {{1}}');
      return { type: 'URL', text, url, ...(isDynamic && { example: [sampleButton] }) };
    }
    if (type === 'phone' || type === 'phone_number') {
      const phone = readText(item, 'phone', path, 20) ?? readText(item, 'phone_number', path, 20);
      if (!phone) throw invalidRequest(`${path}phone is required for a phone button`);
      return { type: 'PHONE_NUMBER', text, phone_number: phone };
    }
    throw invalidRequest(`${path}type must be quick_reply, url or phone`);
  });
}

export function parseTemplateRequest(raw: Raw): TemplateRequest {
  const name = readText(raw, 'name', '', 512);
  if (!name || !/^[a-z0-9_]+$/.test(name)) throw invalidRequest('name is required: lowercase letters, digits and underscores only');
  const categoryText = (readText(raw, 'category', '', 32) ?? '').toUpperCase();
  const category = TEMPLATE_CATEGORIES.find((candidate) => candidate === categoryText);
  if (!category) throw invalidRequest(`category must be one of ${TEMPLATE_CATEGORIES.join(', ')}`);
  const messageType = readInteger(raw, 'message_type', '') ?? 1;
  if (![1, 2, 3, 4].includes(messageType)) throw invalidRequest('message_type must be 1 (text), 2 (image), 3 (document) or 4 (video)');
  const samples = readTextArray(raw, 'sample_message', '', 20, 1024) ?? [];
  const sampleUrl = readUrl(raw, 'sample_url', '', 2000);
  const sampleButton = readText(raw, 'sample_button_value', '', 2000);
  if (messageType !== 1 && !sampleUrl) throw invalidRequest('sample_url is required for image, document and video templates (Meta reviews a sample)');
  const buttons = readButtons(raw, sampleButton);
  const messages = readArray(raw, 'messages', '', 20);
  if (!messages || messages.length === 0) throw invalidRequest('messages is required: [{message, language, header, footer}]');
  const seen = new Set<string>();
  const languages = messages.map((entry, index) => {
    const path = `messages[${index}].`;
    if (!isObject(entry)) throw invalidRequest(`messages[${index}] must be an object`);
    const body = readText(entry, 'message', path, 1024);
    if (!body) throw invalidRequest(`${path}message is required`);
    const language = readText(entry, 'language', path, 16);
    if (!language || !/^[a-z]{2,3}(_[A-Z]{2})?$/.test(language)) throw invalidRequest(`${path}language must be a code such as en or en_US`);
    if (seen.has(language)) throw invalidRequest(`${path}language ${language} is given twice`);
    seen.add(language);
    const header = readText(entry, 'header', path, 60);
    const footer = readText(entry, 'footer', path, 60);
    const components: unknown[] = [];
    if (messageType !== 1) components.push({ type: 'HEADER', format: HEADER_FORMATS[messageType], example: { header_handle: [sampleUrl] } });
    else if (header) {
      const needs = variableCount(header);
      if (needs > 1) throw invalidRequest(`${path}header may hold one variable at most`);
      components.push({ type: 'HEADER', format: 'TEXT', text: header, ...(needs === 1 && { example: { header_text: [samples[0] ?? 'sample'] } }) });
    }
    const needs = variableCount(body);
    if (needs > samples.length) throw invalidRequest(`sample_message needs a value for each of the ${needs} variables of ${path}message`);
    components.push({ type: 'BODY', text: body, ...(needs > 0 && { example: { body_text: [samples.slice(0, needs)] } }) });
    if (footer) components.push({ type: 'FOOTER', text: footer });
    if (buttons) components.push({ type: 'BUTTONS', buttons });
    return { language, components };
  });
  return { name, category, messageType, languages };
}
