// The webhook payload rules on their own: inbound variables, the Standard POST encoding, instant-reply
// parsing, retry schedules and signatures.
import { describe, expect, it } from 'vitest';
import { deliveryReportItem, inboundVariables, nextAttemptAt, parseInstantReply, parseRetrySchedule, renderWebhookBody, signWebhook, verifyWebhook, type InboundMessage, type OutboundMessage } from '../src/core/index.js';

const message: InboundMessage = {
  id: 42,
  projectId: 7,
  deviceId: 1,
  channelId: 1001,
  application: 1,
  externalId: 'x',
  sender: '15550001111',
  senderName: 'Ann',
  type: 1,
  text: 'hello',
  mediaUrl: '',
  quotedMsgId: '',
  details: {},
  contextMessageId: null,
  receivedAt: 0,
  createdAt: 0,
};

describe('inbound variables', () => {
  it('passes the first 2 500 characters, encoded and raw, and keeps documented names over custom ones', () => {
    const text = `${'é'.repeat(2500)}TAIL`;
    const variables = inboundVariables({ ...message, text }, 'https://x.example/hook?number=spoof&campaign=a%20b');
    expect(variables.message_in_raw).toBe('é'.repeat(2500));
    expect(variables['message-in']).toBe(encodeURIComponent('é'.repeat(2500)));
    expect(variables).toMatchObject({ number: '15550001111', campaign: 'a b', 'unique-id': 42, 'project-id': '7', 'context-msg-id': '' });
    expect(variables).not.toHaveProperty('messenger_id');
  });

  it('never splits an emoji at the cut, and replaces a lone surrogate instead of failing to encode', () => {
    const split = inboundVariables({ ...message, text: `a${'😀'.repeat(1300)}` }, 'https://x.example/hook');
    expect(split.message_in_raw).toBe(`a${'😀'.repeat(1249)}`);
    expect(decodeURIComponent(split['message-in'] as string)).toBe(split.message_in_raw);
    const lone = inboundVariables({ ...message, text: 'half \ud83d of an emoji \ude00' }, 'https://x.example/hook');
    expect(lone.message_in_raw).toBe('half \ufffd of an emoji \ufffd');
    expect(lone['message-in']).toBe(encodeURIComponent('half \ufffd of an emoji \ufffd'));
  });

  it('names Messenger senders messenger_id', () => {
    expect(inboundVariables({ ...message, application: 5, sender: 'psid-123' }, 'https://x.example/hook')).toMatchObject({ messenger_id: 'psid-123', application: 5 });
  });
});

describe('delivery report items', () => {
  const outbound: OutboundMessage = {
    id: 9, pushId: 5, projectId: 7, channelId: 1001, application: 10, priority: 0, recipient: '15550001111', kind: 'text', text: 'hi', mediaUrl: '',
    mediaId: null, details: {}, referenceNumber: 'R1', quoted: '', credit: 0, state: 'submitted', attempts: 1, lastError: '', deviceId: null, createdAt: 0,
  };

  it('carry agent_id, template_id and source as the vendor documents them, empty where unknown', () => {
    expect(deliveryReportItem(outbound, 'delivered', '', 1)).toMatchObject({ msg_id: '9', status: '1', agent_id: '', template_id: '', source: '' });
  });

  it('name the template a template message was sent with', () => {
    const template = { ...outbound, kind: 'template' as const, details: { templateId: 'XY6479', language: 'en' } };
    expect(deliveryReportItem(template, 'read', '', 1)).toMatchObject({ status: '3', template_id: 'XY6479' });
  });
});

describe('Standard POST bodies', () => {
  it('encodes nested values in the PHP style', () => {
    const { body, contentType } = renderWebhookBody(JSON.stringify({ a: 1, Location: { lat: 1.5 }, contact: [{ name: 'B' }], empty: null }), 'form');
    expect(contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(body))).toEqual({ a: '1', 'Location[lat]': '1.5', 'contact[0][name]': 'B', empty: '' });
  });
});

describe('instant reply', () => {
  it.each([
    ['{"message-out":"hi"}', { text: 'hi', mediaUrl: '', delaySeconds: 0, application: 0 }],
    ['{"message-out":"hi","delay":"90","application":"3"}', { text: 'hi', mediaUrl: '', delaySeconds: 90, application: 3 }],
    ['{"media-url":" https://m.example/a.png ","delay":99999}', { text: '', mediaUrl: 'https://m.example/a.png', delaySeconds: 3600, application: 0 }],
    ['{"message-out":"hi","delay":-5,"application":"zero"}', { text: 'hi', mediaUrl: '', delaySeconds: 0, application: 0 }],
    ['{"message-out":"h\\u0000i"}', { text: 'hi', mediaUrl: '', delaySeconds: 0, application: 0 }],
  ])('reads %s', (body, reply) => expect(parseInstantReply(body)).toEqual(reply));

  it.each(['', 'ok', '<html>', '[]', 'null', '{"message-out":""}', '{"message-out":42}', '{broken'])('sends nothing for %j', (body) => expect(parseInstantReply(body)).toBeNull());
});

describe('retry schedules', () => {
  it('parses waits with units and gives up after the last', () => {
    const schedule = parseRetrySchedule('1m, 15m,2h,6h')!;
    expect(schedule).toEqual([60_000, 900_000, 7_200_000, 21_600_000]);
    expect(nextAttemptAt(schedule, 1, 1000)).toBe(61_000);
    expect(nextAttemptAt(schedule, 4, 1000)).toBe(21_601_000);
    expect(nextAttemptAt(schedule, 5, 1000)).toBeUndefined();
    expect(parseRetrySchedule('500ms,1s')).toEqual([500, 1000]);
    for (const bad of ['', 'soon', '1m,', '5x', '31d', Array(21).fill('1s').join(',')]) expect(parseRetrySchedule(bad)).toBeUndefined();
  });
});

describe('signatures', () => {
  it('sign the timestamp and the exact body', () => {
    const signature = signWebhook('whsec_k', 1700000000, '{"a":1}');
    expect(signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifyWebhook('whsec_k', '1700000000', '{"a":1}', signature)).toBe(true);
    expect(verifyWebhook('whsec_k', '1700000001', '{"a":1}', signature)).toBe(false);
    expect(verifyWebhook('whsec_other', '1700000000', '{"a":1}', signature)).toBe(false);
    expect(verifyWebhook('whsec_k', '1700000000', '{"a":1}', 'sha256=short')).toBe(false);
  });
});
