// WhatsApp Web messages end to end against a fake WhatsApp: every push kind's mapping to the socket call
// (media fetched once from a local server, or given as base64), acks through the state machine to the
// event webhook, and every inbound type to the global webhook with the documented variables.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from './support/agents.js';
import type { FakeSocket } from './support/fake-whatsapp.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';
import { startWebSuite, type WebSuite } from './support/whatsapp-web.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001', 'hex');
const TYPES: Record<string, string> = { png: 'image/png', mp4: 'video/mp4', mp3: 'audio/mpeg', ogg: 'audio/ogg', pdf: 'application/pdf', webp: 'image/webp' };

let s: WebSuite;
let media: WebhookReceiver;
let socket: FakeSocket;
const hits = new Map<string, number>();

beforeAll(async () => {
  // Received media above 1 KiB is not stored (the limit is tested below; every other file here is smaller).
  s = await startWebSuite({ env: { SWITCHBOARD_WHATSAPP_WEB_MEDIA_MAX_BYTES: '1024' } });
  media = await startWebhookReceiver();
  media.respond((call, _index, response) => {
    hits.set(call.path, (hits.get(call.path) ?? 0) + 1);
    if (call.path === '/missing.png') return response.writeHead(404).end();
    response.writeHead(200, { 'content-type': TYPES[call.path.split('.').pop()!] ?? 'application/octet-stream' });
    response.end(Buffer.concat([PNG, Buffer.from(call.path)]));
  });
  socket = await s.pair('15557654321');
  const hook = await s.g.t.post('pm/set-webhook', { token: s.g.t.masterToken, project_id: s.g.t.projectId, global_webhook: `${s.hooks.url}/in`, event_webhook: `${s.hooks.url}/events` });
  expect(hook.status).toBe(100);
});
afterAll(async () => {
  await s.close();
  await media.close();
});
beforeEach(() => {
  s.hooks.calls.length = 0;
});

async function pushOne(body: Record<string, unknown>) {
  const before = s.whatsapp.sent.length;
  const answer = await s.post('push', { application: 10, data: [{ number: '15550001111' }], ...body });
  expect(answer.status, JSON.stringify(answer)).toBe(100);
  await waitUntil(() => s.whatsapp.sent.length > before);
  return { msgId: answer.data[0].msg_id as string, call: s.whatsapp.sent[before]! };
}

const fileBytes = (path: string) => Buffer.concat([PNG, Buffer.from(path)]);
const inboundCalls = () => s.hooks.calls.filter((call) => call.path === '/in').map((call) => call.fields);
const eventItems = () => s.hooks.calls.filter((call) => call.path === '/events').flatMap((call) => call.fields.data as Record<string, string>[]);

describe('sending', () => {
  it('maps every kind to the socket call', async () => {
    const url = (name: string) => `${media.url}/${name}`;
    const text = await pushOne({ globalmessage: 'Hello' });
    expect(text.call).toMatchObject({ jid: '15550001111@s.whatsapp.net', content: { text: 'Hello' } });
    expect(text.call.options.messageId).toMatch(/^3EB0[0-9A-F]{18}$/);
    // A recipient's retry request is answered with the stored text.
    expect(await s.whatsapp.sentText!(text.call.options.messageId)).toBe('Hello');
    expect(await s.whatsapp.sentText!('3EB0UNKNOWN')).toBeUndefined();

    const image = await pushOne({ globalmessage: 'caption', globalmedia: url('photo.png') });
    expect(image.call.content).toEqual({ image: fileBytes('/photo.png'), mimetype: 'image/png', caption: 'caption' });
    const video = await pushOne({ globalmedia: url('clip.mp4'), globalmessage: 'watch' });
    expect(video.call.content).toEqual({ video: fileBytes('/clip.mp4'), mimetype: 'video/mp4', caption: 'watch' });
    const audio = await pushOne({ globalmedia: url('song.mp3') });
    expect(audio.call.content).toEqual({ audio: fileBytes('/song.mp3'), ptt: false, mimetype: 'audio/mpeg' });
    const voice = await pushOne({ globalmedia: url('note.ogg'), voice: 1 });
    expect(voice.call.content).toEqual({ audio: fileBytes('/note.ogg'), ptt: true, mimetype: 'audio/ogg; codecs=opus' });
    const document = await pushOne({ globalmedia: url('report.pdf'), media_name: 'Q3.pdf', globalmessage: 'see' });
    expect(document.call.content).toEqual({ document: fileBytes('/report.pdf'), mimetype: 'application/pdf', fileName: 'Q3.pdf', caption: 'see' });
    const sticker = await pushOne({ globalmedia: url('smile.webp'), sticker: 1 });
    expect(sticker.call.content).toEqual({ sticker: fileBytes('/smile.webp') });
    const location = await pushOne({ location: { name: 'Cafe', address: '1 Main St', lat: 12.5, long: -3.25 } });
    expect(location.call.content).toEqual({ location: { degreesLatitude: 12.5, degreesLongitude: -3.25, name: 'Cafe', address: '1 Main St' } });
    const contact = await pushOne({ contact: [{ first_name: 'Ann', last_name: 'Lee', phone: '15553334444', company: 'Acme, Inc' }] });
    const card = (contact.call.content as { contacts: { displayName: string; contacts: { vcard: string }[] } }).contacts;
    expect(card.displayName).toBe('Ann Lee');
    expect(card.contacts[0]!.vcard).toContain('TEL;type=CELL;waid=15553334444:+15553334444');
    expect(card.contacts[0]!.vcard).toContain('ORG:Acme\\, Inc');
    const base64 = await pushOne({ globalmedia_code: PNG.toString('base64'), globalmessage: 'inline' });
    expect(await s.whatsapp.sentText!(base64.call.options.messageId)).toBeUndefined();
    expect(base64.call.content).toEqual({ image: PNG, mimetype: 'image/png', caption: 'inline' });
  });

  it('puts contact_image in the vCard as a typed PHOTO, and refuses a photo that is not an image', async () => {
    const photo = PNG.toString('base64');
    const contact = await pushOne({ contact: [{ first_name: 'Ann', phone: '15553334444', contact_image: `data:image/png;base64,${photo}` }] });
    const vcard = (contact.call.content as { contacts: { contacts: { vcard: string }[] } }).contacts.contacts[0]!.vcard;
    expect(vcard.split('\n')).toContain(`PHOTO;ENCODING=b;TYPE=PNG:${photo}`);
    const refused = await s.post('push', { application: 10, data: [{ number: '15550001111' }], contact: [{ first_name: 'Ann', contact_image: Buffer.from('plain text').toString('base64') }] });
    expect(refused).toMatchObject({ status: 410, detail: 'contact[0].contact_image must be a JPEG, PNG or GIF image (found an unknown type)' });
  });

  it('saves the recipient as a contact before sending when the push says createcontact, never a group', async () => {
    s.whatsapp.savedContacts.length = 0;
    const saved = await pushOne({ globalmessage: 'Hi', createcontact: 1, data: [{ number: '15557770000' }] });
    expect(s.whatsapp.savedContacts).toEqual([{ jid: '15557770000@s.whatsapp.net', name: '+15557770000' }]);
    expect(saved.call.content).toEqual({ text: 'Hi' });
    await pushOne({ globalmessage: 'Hi', data: [{ number: '15557770001' }] });
    await pushOne({ globalmessage: 'Hi all', createcontact: 1, group_id: '1203630@g.us' });
    expect(s.whatsapp.savedContacts).toHaveLength(1);
  });

  it('quotes an earlier message and sends to groups', async () => {
    const first = await pushOne({ globalmessage: 'Question?' });
    const reply = await pushOne({ globalmessage: 'Answer', data: [{ number: '15550001111', quoted: first.msgId }] });
    expect(reply.call.options.quoted).toEqual({ key: { remoteJid: '15550001111@s.whatsapp.net', id: first.call.options.messageId, fromMe: true }, message: { conversation: 'Question?' } });
    const group = await pushOne({ group_id: '120363012345678901', globalmessage: 'Team', data: [] });
    expect(group.call.jid).toBe('120363012345678901@g.us');
  });

  it('fetches a media URL once, caches it by URL hash, and fails a message whose media is refused', async () => {
    await pushOne({ globalmedia: `${media.url}/cached.png` });
    await pushOne({ globalmedia: `${media.url}/cached.png` });
    expect(hits.get('/cached.png')).toBe(1);
    const answer = await s.post('push', { application: 10, globalmedia: `${media.url}/missing.png`, data: [{ number: '15550001111' }] });
    const messages = () => s.g.t.gateway.storage.stores.messages.listByPush(Number(answer.push_id));
    await waitUntil(async () => (await messages())[0]!.state === 'refunded');
    expect((await messages())[0]!.lastError).toContain('HTTP 404');
  });

  it('moves messages through submitted, delivered and read on acks, and reports each to the event webhook', async () => {
    const { msgId, call } = await pushOne({ globalmessage: 'Track me' });
    const message = () => s.g.t.gateway.services.messages.get(Number(msgId));
    socket.ack(call.options.messageId, 2);
    await waitUntil(async () => (await message())!.state === 'submitted');
    socket.ack(call.options.messageId, 3);
    await waitUntil(async () => (await message())!.state === 'delivered');
    socket.ack(call.options.messageId, 4);
    socket.ack(call.options.messageId, 4);
    socket.ack('UNKNOWN-ID', 3);
    await waitUntil(async () => (await message())!.state === 'read');
    await waitUntil(() => eventItems().filter((item) => item.msg_id === msgId).length >= 3);
    expect(eventItems().filter((item) => item.msg_id === msgId).map((item) => item.status)).toEqual(['4', '1', '3']);
  });

  it('read without the earlier acks still reaches read through every state', async () => {
    const { msgId, call } = await pushOne({ globalmessage: 'Straight to read' });
    socket.ack(call.options.messageId, 4);
    await waitUntil(async () => (await s.g.t.gateway.services.messages.get(Number(msgId)))!.state === 'read');
    expect((await s.g.t.gateway.services.messages.timeline(Number(msgId))).map((event) => event.state)).toEqual(['queued', 'sending', 'submitted', 'delivered', 'read']);
  });
});

describe('inbound', () => {
  const from = (id: string, message: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ key: { remoteJid: '15550001111@s.whatsapp.net', id }, pushName: 'Ann', message, ...extra });
  const waitFor = async (predicate: (fields: Record<string, any>) => boolean) => {
    await waitUntil(() => inboundCalls().some(predicate));
    return inboundCalls().find(predicate)!;
  };

  it('posts text, media, location, contact, replies and group messages with the documented variables', async () => {
    const ours = await pushOne({ globalmessage: 'Want it?' });
    s.whatsapp.media.set('IMG-1', PNG);
    socket.receive(
      from('TXT-1', { conversation: 'Hi & bye 100%' }),
      from('IMG-1', { imageMessage: { caption: 'look', mimetype: 'image/png', fileLength: PNG.length } }),
      from('LOC-1', { locationMessage: { degreesLatitude: 12.5, degreesLongitude: -3.25, name: 'Cafe' } }),
      from('VCF-1', { contactMessage: { displayName: 'Bob', vcard: 'BEGIN:VCARD\nTEL;type=CELL;waid=15559998888:+1 555 999 8888\nEND:VCARD' } }),
      from('REP-1', { extendedTextMessage: { text: 'yes', contextInfo: { stanzaId: ours.call.options.messageId } } }),
      { key: { remoteJid: '120363012345678901@g.us', id: 'GRP-1', participant: '15550004444@s.whatsapp.net' }, pushName: 'Cid', message: { ephemeralMessage: { message: { conversation: 'group hi' } } } },
    );
    const text = await waitFor((fields) => fields.message_in_raw === 'Hi & bye 100%');
    expect(text).toMatchObject({ number: '15550001111', name: 'Ann', 'message-in': encodeURIComponent('Hi & bye 100%'), type: 1, application: 10, direction: 0, 'project-id': String(s.g.t.projectId), 'context-msg-id': '' });
    const image = await waitFor((fields) => fields.type === 2);
    expect(image.message_in_raw).toBe('look');
    const mediaPath = new URL(image['media-url']).pathname;
    expect(mediaPath).toMatch(/^\/whatsapp-web\/media\/[A-Za-z0-9_-]{32}$/);
    const download = await s.g.t.inject({ method: 'GET', url: mediaPath });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.rawPayload).toEqual(PNG);
    // Another id: the last character changed (to 'y' where it was 'x': one id in 64 ends with it).
    const otherPath = `${mediaPath.slice(0, -1)}${mediaPath.endsWith('x') ? 'y' : 'x'}`;
    expect((await s.g.t.inject({ method: 'GET', url: otherPath })).statusCode).toBe(404);
    // A sender chooses the file's name and type: a non-Latin-1 name must not break the header, and HTML
    // is downloaded, never rendered on the gateway's origin.
    s.whatsapp.media.set('DOC-1', Buffer.from('<script>alert(1)</script>'));
    socket.receive(from('DOC-1', { documentMessage: { mimetype: 'text/html', fileName: 'счёт "1".html', fileLength: 25 } }));
    const doc = await s.g.t.inject({ method: 'GET', url: new URL((await waitFor((fields) => fields.type === 6))['media-url']).pathname });
    expect(doc.statusCode).toBe(200);
    expect(doc.headers).toMatchObject({ 'content-type': expect.stringMatching(/^text\/html/), 'x-content-type-options': 'nosniff' });
    expect(doc.headers['content-disposition']).toBe(`attachment; filename="____ _1_.html"; filename*=UTF-8''${encodeURIComponent('счёт "1".html')}`);
    expect((await waitFor((fields) => fields.type === 5)).Location).toEqual({ lat: 12.5, long: -3.25, name: 'Cafe', address: '', url: '' });
    expect((await waitFor((fields) => fields.type === 7)).contact).toEqual([expect.objectContaining({ name: 'Bob', phone: '15559998888' })]);
    expect((await waitFor((fields) => fields.message_in_raw === 'yes'))['context-msg-id']).toBe(ours.msgId);
    expect(await waitFor((fields) => fields.message_in_raw === 'group hi')).toMatchObject({ 'group-id': '120363012345678901@g.us', number: '120363012345678901@g.us @Cid', name: 'Cid' });
  });

  it('posts video, voice notes, stickers, live locations, contact lists, button and list replies, mentions and LID senders', async () => {
    for (const id of ['VID-1', 'AUD-1', 'STK-1']) s.whatsapp.media.set(id, PNG);
    const group = { remoteJid: '120363012345678901@g.us', id: 'GRP-2', participant: '99887766@lid', participantAlt: '15550005555@s.whatsapp.net' };
    socket.receive(
      from('VID-1', { videoMessage: { caption: 'clip', mimetype: 'video/mp4', fileLength: PNG.length } }),
      from('AUD-1', { audioMessage: { mimetype: 'audio/ogg; codecs=opus', ptt: true, fileLength: PNG.length } }),
      from('STK-1', { stickerMessage: { fileLength: PNG.length } }),
      from('LIVE-1', { liveLocationMessage: { degreesLatitude: 1.5, degreesLongitude: 2.5, caption: 'on my way' } }),
      from('VCFS-1', { contactsArrayMessage: { contacts: [{ displayName: 'A', vcard: 'BEGIN:VCARD\nTEL;type=CELL;waid=15551110000:+1\nEND:VCARD' }, { displayName: 'B', vcard: 'BEGIN:VCARD\nTEL:+1 (555) 222-0000\nEND:VCARD' }] } }),
      from('BTN-1', { buttonsResponseMessage: { selectedButtonId: 'yes-1', selectedDisplayText: 'Yes' } }),
      from('LST-1', { listResponseMessage: { title: 'Large', singleSelectReply: { selectedRowId: 'size-l' } } }),
      { key: group, pushName: 'Dee', message: { extendedTextMessage: { text: '@Ann look', contextInfo: { mentionedJid: ['15550001111@s.whatsapp.net'] } } } },
      { key: { remoteJid: '11223344@lid', remoteJidAlt: '15550007777@s.whatsapp.net', id: 'LID-1' }, pushName: 'Eve', message: { conversation: 'via lid' } },
    );
    const mediaUrl = expect.stringMatching(/\/whatsapp-web\/media\/[A-Za-z0-9_-]{32}$/);
    expect(await waitFor((fields) => fields.type === 3)).toMatchObject({ message_in_raw: 'clip', 'media-url': mediaUrl });
    const voice = await waitFor((fields) => fields.type === 4);
    expect(voice['media-url']).toEqual(mediaUrl);
    expect((await s.g.t.inject({ method: 'GET', url: new URL(voice['media-url']).pathname })).headers['content-type']).toMatch(/^audio\/ogg/);
    const sticker = await waitFor((fields) => fields.type === 2);
    expect((await s.g.t.inject({ method: 'GET', url: new URL(sticker['media-url']).pathname })).headers['content-type']).toBe('image/webp');
    expect(await waitFor((fields) => fields.type === 5)).toMatchObject({ message_in_raw: 'on my way', Location: { lat: 1.5, long: 2.5, name: '', address: '', url: '' } });
    expect((await waitFor((fields) => fields.type === 7)).contact).toEqual([expect.objectContaining({ name: 'A', phone: '15551110000' }), expect.objectContaining({ name: 'B', phone: '15552220000' })]);
    expect(await waitFor((fields) => fields.payload === 'yes-1')).toMatchObject({ type: 9, message_in_raw: 'Yes', interactive: { type: 2, id: 'yes-1', description: 'Yes' } });
    expect(await waitFor((fields) => fields.payload === 'size-l')).toMatchObject({ type: 9, message_in_raw: 'Large', interactive: { type: 1, id: 'size-l', description: 'Large' } });
    expect(await waitFor((fields) => fields.message_in_raw === '@Ann look')).toMatchObject({
      number: '120363012345678901@g.us @Dee',
      'group-id': '120363012345678901@g.us',
      'group-sender': '15550005555',
      'group-mentions': ['15550001111'],
    });
    expect(await waitFor((fields) => fields.message_in_raw === 'via lid')).toMatchObject({ number: '15550007777', name: 'Eve' });
  });

  it('quotes a received message by its unique-id, in its own chat only', async () => {
    socket.receive({ key: { remoteJid: '15550008888@s.whatsapp.net', id: 'ASK-1' }, message: { conversation: 'Open on Sunday?' } });
    const asked = await waitFor((fields) => fields.message_in_raw === 'Open on Sunday?');
    const reply = await pushOne({ globalmessage: 'Yes, 10 to 4', data: [{ number: '15550008888', quoted: String(asked['unique-id']) }] });
    expect(reply.call.options.quoted).toEqual({ key: { remoteJid: '15550008888@s.whatsapp.net', id: 'ASK-1', fromMe: false }, message: { conversation: 'Open on Sunday?' } });
    const elsewhere = await pushOne({ globalmessage: 'Not this chat', data: [{ number: '15550009999', quoted: String(asked['unique-id']) }] });
    expect(elsewhere.call.options.quoted).toBeUndefined();
  });

  it('survives malformed messages, skips what is not a user message, and stores each message once', async () => {
    const junk = [null, {}, { key: null }, { key: { remoteJid: 5, id: {} }, message: { conversation: 5 } }, from('BAD-1', { imageMessage: 'garbage' }), from('BAD-2', { locationMessage: { degreesLatitude: 'north' } }), from('RX-1', { reactionMessage: { text: '👍' } }), { key: { remoteJid: 'status@broadcast', id: 'ST-1' }, message: { conversation: 'story' } }];
    socket.receive(...(junk as never[]));
    socket.receive(from('DUP-1', { conversation: 'once' }), from('DUP-1', { conversation: 'once' }));
    socket.receive(from('DUP-1', { conversation: 'once' }));
    await waitFor((fields) => fields.message_in_raw === 'once');
    // Media larger than allowed, whatever size the message declares, is not stored; the message still goes out.
    s.whatsapp.media.set('BIG-1', Buffer.alloc(2048));
    socket.receive(from('BIG-1', { documentMessage: { mimetype: 'application/pdf', fileName: 'big.pdf', fileLength: 10 } }));
    expect(await waitFor((fields) => fields.type === 6)).toMatchObject({ 'media-url': '' });
    // Media delivered again (after a reconnect) is neither downloaded nor stored a second time.
    s.whatsapp.media.set('DUP-IMG', PNG);
    socket.receive(from('DUP-IMG', { imageMessage: { caption: 'once with media', mimetype: 'image/png', fileLength: PNG.length } }));
    await waitFor((fields) => fields.message_in_raw === 'once with media');
    socket.receive(from('DUP-IMG', { imageMessage: { caption: 'once with media', mimetype: 'image/png', fileLength: PNG.length } }));
    socket.receive(from('AFTER-1', { conversation: 'still alive' }));
    await waitFor((fields) => fields.message_in_raw === 'still alive');
    // A NUL cannot be stored on PostgreSQL: the character is dropped and the message still arrives.
    socket.receive(from('NUL-1', { conversation: 'nul\u0000 inside' }));
    await waitFor((fields) => fields.message_in_raw === 'nul inside');
    expect(inboundCalls().filter((fields) => fields.message_in_raw === 'once')).toHaveLength(1);
    expect(inboundCalls().filter((fields) => fields.message_in_raw === 'once with media')).toHaveLength(1);
    expect(s.whatsapp.downloads.filter((id) => id === 'DUP-IMG')).toHaveLength(1);
    expect(inboundCalls().some((fields) => fields.message_in_raw === 'story')).toBe(false);
    expect((await s.status()).status).toBe('CONNECTED');
  });

  it('echoes what the phone itself sends with direction 1 only when the channel asks for it', async () => {
    const echo = (id: string, text: string) => ({ key: { remoteJid: '15550006666@s.whatsapp.net', id, fromMe: true }, message: { conversation: text } });
    const ours = await pushOne({ globalmessage: 'from the API' });
    socket.receive(echo('ECHO-1', 'not echoed'));
    socket.receive(from('MARK-1', { conversation: 'marker' }));
    await waitFor((fields) => fields.message_in_raw === 'marker');
    expect(inboundCalls().some((fields) => fields.message_in_raw === 'not echoed')).toBe(false);
    const [channel] = (await s.g.t.gateway.services.channels.listForProject(s.g.t.projectId)).filter((each) => each.kind === 10);
    expect((await s.g.t.post('pm/update-channel', { token: s.g.t.masterToken, project_id: s.g.t.projectId, channel_id: channel!.id, echo_messages: 1 })).status).toBe(100);
    socket.receive({ key: { remoteJid: '15550001111@s.whatsapp.net', id: ours.call.options.messageId, fromMe: true }, message: { conversation: 'from the API' } });
    socket.receive(echo('ECHO-2', 'typed on the phone'));
    expect(await waitFor((fields) => fields.message_in_raw === 'typed on the phone')).toMatchObject({ direction: 1, number: '15550006666', name: '' });
    expect(inboundCalls().some((fields) => fields.message_in_raw === 'from the API')).toBe(false);
  });
});
