// The JSON of the SMS Gateway for Android app's mobile API: received-SMS posts, state reports and the
// effect of each state the app can report, checked without a gateway.
import { describe, expect, it } from 'vitest';
import { parseAppWebhook, parseStateReports, stateEffect } from '../src/bridge/app-phone-wire.js';

const NOW = Date.UTC(2026, 0, 15, 10, 0, 0);
const post = (payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id: 'evt-1', webhookId: 'w', event: 'sms:received', deviceId: 'd', payload, ...extra });

describe('received-SMS posts', () => {
  it('take the sender as digits, the app id of the SMS, and its time', () => {
    expect(parseAppWebhook(post({ messageId: 'abc', phoneNumber: '+44 (20) 7946-0958', message: 'hi', receivedAt: '2026-01-15T09:59:00.000+00:00' }), NOW)).toEqual({
      sms: { externalId: 'sms:abc', sender: '442079460958', text: 'hi', receivedAt: Date.UTC(2026, 0, 15, 9, 59, 0) },
    });
  });

  it('keep an alphanumeric sender, fall back to the event id and to now', () => {
    expect(parseAppWebhook(post({ phoneNumber: 'MyBank', message: 'code 1', receivedAt: 'yesterday' }), NOW)).toEqual({ sms: { externalId: 'sms:evt-1', sender: 'MyBank', text: 'code 1', receivedAt: NOW } });
  });

  it('ignore other events and refuse what is malformed', () => {
    expect(parseAppWebhook({ event: 'system:ping', payload: {} }, NOW)).toEqual({ ignored: 'system:ping' });
    expect(parseAppWebhook([], NOW)).toHaveProperty('problem');
    expect(parseAppWebhook(post({ phoneNumber: '', message: 'x' }), NOW)).toHaveProperty('problem');
    expect(parseAppWebhook(post({ phoneNumber: '+1', message: 7 }), NOW)).toHaveProperty('problem');
    expect(parseAppWebhook(post({ phoneNumber: '+1', message: 'x' }, { id: undefined }), NOW)).toHaveProperty('problem');
  });
});

describe('state reports', () => {
  const report = (state: string, recipientState = state, error: string | null = null) => parseStateReports([{ id: '7', state, recipients: [{ phoneNumber: '+1', state: recipientState, error }], states: {} }]);

  it('map every state the app reports, the recipient state first', () => {
    const effect = (state: string, recipientState?: string, error?: string) => {
      const parsed = report(state, recipientState, error ?? null);
      if ('problem' in parsed) throw new Error(parsed.problem);
      return stateEffect(parsed.reports[0]!);
    };
    expect(effect('Pending')).toEqual({ kind: 'none' });
    expect(effect('Processed')).toEqual({ kind: 'taken' });
    expect(effect('Sent')).toEqual({ kind: 'move', to: 'submitted', error: '' });
    expect(effect('Delivered')).toEqual({ kind: 'move', to: 'delivered', error: '' });
    expect(effect('Failed', 'Failed', 'RESULT_ERROR_GENERIC_FAILURE')).toEqual({ kind: 'move', to: 'failed', error: 'RESULT_ERROR_GENERIC_FAILURE' });
    expect(effect('Failed', 'Failed')).toEqual({ kind: 'move', to: 'failed', error: 'failed on the phone' });
    expect(effect('Cancelled')).toEqual({ kind: 'move', to: 'cancelled', error: 'cancelled on the phone' });
    expect(effect('Processed', 'Sent')).toEqual({ kind: 'move', to: 'submitted', error: '' });
  });

  it('refuse a body that is no list, or an item without id, state or recipients', () => {
    expect(parseStateReports({})).toHaveProperty('problem');
    expect(parseStateReports([{ state: 'Sent', recipients: [{ phoneNumber: '+1', state: 'Sent' }] }])).toHaveProperty('problem');
    expect(report('Lost')).toHaveProperty('problem');
    expect(parseStateReports([{ id: '7', state: 'Sent', recipients: [{ state: 'Sent' }] }])).toHaveProperty('problem');
  });
});
