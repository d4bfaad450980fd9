// Pure pieces of the Meta channels: the Cloud API body for templates with media headers, text-header
// variables and dynamic URL buttons; template-request's rules; how Graph errors are classified.
import { describe, expect, it } from 'vitest';
import { cloudMessageBody } from '../src/channels/whatsapp-cloud/index.js';
import { classifyGraphError, parseTemplateRequest, windowState, type MetaTemplate, type OutboundMessage } from '../src/core/index.js';

const message = (overrides: Partial<OutboundMessage>): OutboundMessage => ({
  id: 1, pushId: 1, projectId: 1, channelId: 1, application: 101, priority: 0, recipient: '919876543210', kind: 'text', text: '', mediaUrl: '', mediaId: null,
  details: {}, referenceNumber: '', quoted: '', credit: 0, state: 'sending', attempts: 1, lastError: '', deviceId: null, createdAt: 0, ...overrides,
});
const template = (components: unknown[]): MetaTemplate => ({
  id: 1, projectId: 1, channelId: 1, templateId: 'T1', graphId: '9', name: 'invoice', language: 'en_US', category: 'UTILITY', messageType: 3, status: 3, metaStatus: 'APPROVED', reason: '', components, createdAt: 0, updatedAt: 0,
});

describe('Cloud API template bodies', () => {
  it('fills a document header, body values and a dynamic URL button', () => {
    const body = cloudMessageBody(
      message({ kind: 'template', mediaUrl: 'https://cdn.example.com/i.pdf', details: { templateId: 'T1', templateValues: ['Asha', '42'], templateHeader: 'invoice-42.pdf', buttons: ['order/42'] } }),
      {
        media: { link: 'https://cdn.example.com/i.pdf' },
        fileName: 'i.pdf',
        quotedWamid: undefined,
        template: template([{ type: 'HEADER', format: 'DOCUMENT' }, { type: 'BODY', text: 'Hi {{1}}, invoice {{2}}' }, { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Open', url: 'https://shop.example.com/{{1}}' }] }]),
      },
    );
    expect(body.template).toEqual({
      name: 'invoice',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'document', document: { link: 'https://cdn.example.com/i.pdf', filename: 'invoice-42.pdf' } }] },
        { type: 'body', parameters: [{ type: 'text', text: 'Asha' }, { type: 'text', text: '42' }] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'order/42' }] },
      ],
    });
  });

  it('fills a text header variable from template_header, and refuses a media header without media', () => {
    const withText = cloudMessageBody(message({ kind: 'template', details: { templateId: 'T1', templateHeader: 'May' } }), { media: undefined, fileName: '', quotedWamid: 'wamid.Q', template: template([{ type: 'HEADER', format: 'TEXT', text: 'News for {{1}}' }]) });
    expect(withText).toMatchObject({ context: { message_id: 'wamid.Q' }, template: { components: [{ type: 'header', parameters: [{ type: 'text', text: 'May' }] }] } });
    expect(() => cloudMessageBody(message({ kind: 'template', details: { templateId: 'T1' } }), { media: undefined, fileName: '', quotedWamid: undefined, template: template([{ type: 'HEADER', format: 'IMAGE' }]) })).toThrow(/image header/);
  });

  it('makes sectioned lists with their button label', () => {
    const body = cloudMessageBody(message({ kind: 'interactive', text: 'Menu', details: { buttons: [{ title: 'Drinks', button: 'See menu', rows: [{ id: 'tea', title: 'Tea' }] }] } }), { media: undefined, fileName: '', quotedWamid: undefined, template: undefined });
    expect(body.interactive).toEqual({ type: 'list', body: { text: 'Menu' }, action: { button: 'See menu', sections: [{ title: 'Drinks', rows: [{ id: 'tea', title: 'Tea' }] }] } });
  });
});

describe('template-request rules', () => {
  const base = { name: 'welcome', category: 'marketing', messages: [{ message: 'Hello {{1}}', language: 'en' }], sample_message: ['Asha'] };
  it('builds Meta components and checks names, categories, samples and languages', () => {
    expect(parseTemplateRequest(base)).toEqual({ name: 'welcome', category: 'MARKETING', messageType: 1, languages: [{ language: 'en', components: [{ type: 'BODY', text: 'Hello {{1}}', example: { body_text: [['Asha']] } }] }] });
    expect(() => parseTemplateRequest({ ...base, name: 'Welcome!' })).toThrow(/lowercase/);
    expect(() => parseTemplateRequest({ ...base, category: 'promo' })).toThrow(/category/);
    expect(() => parseTemplateRequest({ ...base, sample_message: [] })).toThrow(/sample_message/);
    expect(() => parseTemplateRequest({ ...base, message_type: 2 })).toThrow(/sample_url/);
    expect(() => parseTemplateRequest({ ...base, messages: [{ message: 'x', language: 'english' }] })).toThrow(/language/);
    expect(parseTemplateRequest({ ...base, message_type: 2, sample_url: 'https://cdn.example.com/a.jpg' }).languages[0]!.components[0]).toEqual({ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://cdn.example.com/a.jpg'] } });
  });
});

describe('Graph errors and the window', () => {
  it('retries rate limits and outages, fails the rest with a reason naming the code', () => {
    const of = (code: number, httpStatus = 400, subcode = 0) => classifyGraphError({ code, subcode, httpStatus, message: 'x' });
    expect(of(130429)).toMatchObject({ kind: 'rate_limited', isRetryable: true });
    expect(of(0, 0)).toMatchObject({ kind: 'unavailable', isRetryable: true });
    expect(of(0, 400)).toMatchObject({ isRetryable: false });
    expect(of(131047)).toMatchObject({ kind: 'window_closed', isRetryable: false });
    expect(of(10, 400, 2018278)).toMatchObject({ kind: 'window_closed' });
    expect(of(190, 401)).toMatchObject({ kind: 'token_invalid', isRetryable: false, reason: expect.stringContaining('meta 190') });
    expect(of(131026)).toMatchObject({ kind: 'undeliverable', isRetryable: false });
    expect(of(132001)).toMatchObject({ kind: 'rejected', isRetryable: false });
  });

  it('knows a window only from messages received', () => {
    const now = Date.UTC(2026, 0, 2);
    expect(windowState(undefined, now)).toBe('unknown');
    expect(windowState(now - 23 * 3600_000, now)).toBe('open');
    expect(windowState(now - 24 * 3600_000, now)).toBe('closed');
  });
});
