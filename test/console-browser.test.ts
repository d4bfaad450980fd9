// The console in a real browser against a real gateway: sign in, create a project and a token, pair a
// simulated phone by its license key, push over HTTP and watch the timeline reach `delivered`, replay a
// failed webhook delivery, run a device command. Screenshots of each page go to test-results/console/.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAgent } from './support/agents.js';
import { chromiumPath, launchChromium, type Browser } from './support/chromium.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { answer, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';

const executable = chromiumPath();
if (!executable) console.warn(`console browser suite skipped: no Chromium at ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'}; \`apt-get install -y chromium\` installs it`);

const SHOTS = new URL('../test-results/console/', import.meta.url).pathname;

describe.skipIf(!executable)('the web console in Chromium', () => {
  let g: ListeningGateway;
  let receiver: WebhookReceiver;
  let browser: Browser;
  let page: Page;
  let apiToken = '';
  let projectId = '';
  let pushId = '';
  const whatsapp = new FakeWhatsApp();

  const shot = (name: string) => page.screenshot({ path: `${SHOTS}${name}.png`, fullPage: true });
  const goTo = async (title: string) => {
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: title }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The gateway serves what the build made: build it now, so the suite tests this checkout's console.
    execFileSync(process.execPath, [new URL('../scripts/build-console.mjs', import.meta.url).pathname], { stdio: 'pipe' });
    receiver = await startWebhookReceiver();
    receiver.respond(answer(500, 'receiver down', 'text/plain'));
    g = await startListeningGateway({ SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: '50ms', SWITCHBOARD_WEBHOOK_POLL_MS: '50', SWITCHBOARD_WEBHOOK_BATCH_MS: '0' }, { whatsappClients: whatsapp });
    browser = await launchChromium(executable!);
    page = await browser.context.newPage();
    page.setDefaultTimeout(15_000);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await g?.close();
    await receiver?.close();
  });

  it('signs in with the master token, and not with a wrong one', async () => {
    await page.goto(`${g.url}/console`);
    await page.getByLabel('Master token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toContain('401');
    await shot('sign-in');
    await page.getByLabel('Master token').fill(g.t.masterToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Projects' }).waitFor();
    const cookie = (await browser.context.cookies()).find((each) => each.name === 'sb_console')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
  });

  it('creates a project and a token with an IP list, disables and re-enables a token', async () => {
    await page.getByLabel('Name').fill('Shop');
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('status').filter({ hasText: 'created' }).waitFor();
    projectId = (await page.getByRole('combobox', { name: 'Project', exact: true }).inputValue()).trim();
    expect(Number(projectId)).toBeGreaterThan(g.t.projectId);
    await page.getByLabel(/Allowed IPs/).fill('10.9.8.7');
    await page.getByRole('button', { name: 'Create token' }).click();
    const restricted = (await page.getByRole('list', { name: 'New tokens' }).locator('code').textContent())!;
    await page.getByRole('button', { name: 'Create token' }).click();
    await page.getByRole('list', { name: 'New tokens' }).locator('code').filter({ hasNotText: restricted }).waitFor();
    apiToken = (await page.getByRole('list', { name: 'New tokens' }).locator('code').textContent())!;
    // The token from 10.9.8.7 only is refused from here; the open one works.
    expect((await g.t.post('check-balance', { token: restricted })).status).toBe(401);
    expect((await g.t.post('check-balance', { token: apiToken })).status).toBe(100);
    const rows = page.getByRole('region', { name: 'API tokens' }).getByRole('row');
    await rows.filter({ hasText: '10.9.8.7' }).getByRole('button', { name: /Disable/ }).click();
    await rows.filter({ hasText: '10.9.8.7' }).getByText('disabled').waitFor();
    await rows.filter({ hasText: '10.9.8.7' }).getByRole('button', { name: /Delete/ }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await rows.filter({ hasText: '10.9.8.7' }).getByRole('button', { name: /Delete/ }).click();
    await page.getByRole('status').filter({ hasText: 'deleted' }).waitFor();
    await expect(rows.filter({ hasText: '10.9.8.7' }).count()).resolves.toBe(0);
    // The event webhook points at a receiver that fails, for the webhook log below.
    await page.getByLabel(/Event webhook/).fill(`${receiver.url}/events`);
    await page.getByRole('button', { name: 'Save webhooks' }).click();
    await page.getByRole('status').filter({ hasText: 'Webhooks saved' }).waitFor();
    // The test call goes to the global webhook and shows what the receiver answered.
    await page.getByLabel(/Global webhook/).fill(`${receiver.url}/global`);
    await page.getByRole('button', { name: 'Save webhooks' }).click();
    await page.getByRole('status').filter({ hasText: 'Webhooks saved' }).waitFor();
    await page.getByRole('button', { name: 'Send a test' }).click();
    await page.getByRole('alert').filter({ hasText: 'HTTP 500' }).waitFor();
    const secret = page.getByText('Signing secret:').locator('code');
    const before = await secret.textContent();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Rotate secret' }).click();
    await page.getByRole('status').filter({ hasText: 'Signing secret rotated' }).waitFor();
    expect(await secret.textContent()).not.toBe(before);
    expect((await g.t.gateway.storage.stores.projects.findById(Number(projectId)))!.webhookSecret).toBe(await secret.textContent());
    await shot('projects');
  });

  it('pairs a simulated phone by the license key shown and sees it online', async () => {
    await goTo('Channels');
    const licenseKey = (await page.getByTestId('license-key').textContent())!;
    expect(licenseKey).toBe((await g.t.gateway.storage.stores.projects.findById(Number(projectId)))!.licenseKey);
    await shot('channels');
    await goTo('Devices');
    await page.getByText('No phone has paired').waitFor();
    const phone = createTestAgent({ serverUrl: g.url, licenseKey, deviceId: 'console-phone', phoneName: 'Shop phone', delayMs: 0 });
    g.track(() => phone.agent.stop());
    await phone.agent.start();
    // No reload: the page hears it over its live stream.
    await page.getByRole('row').filter({ hasText: 'Shop phone' }).getByText('online', { exact: true }).waitFor();
    await shot('devices');
  });

  it('pairs a WhatsApp Web channel: the QR code follows each new code until scanned, then CONNECTED', async () => {
    await goTo('Channels');
    await page.getByLabel('Name', { exact: true }).fill('Support line');
    await page.getByRole('button', { name: 'Add a WhatsApp Web channel' }).click();
    const qr = page.getByRole('img', { name: /WhatsApp Web QR code/ });
    await qr.waitFor();
    const first = await qr.getAttribute('src');
    await shot('channels-whatsapp-qr');
    // WhatsApp hands out a new code: the page shows it without a reload.
    whatsapp.current.showQr('2@fake-qr-next');
    await expect.poll(() => qr.getAttribute('src'), { timeout: 15_000 }).not.toBe(first);
    await whatsapp.current.scan('15557654321');
    const session = page.getByRole('region', { name: /^WhatsApp Web channel \d+$/ });
    await session.getByText('CONNECTED', { exact: true }).waitFor();
    await session.getByText('as +15557654321').waitFor();
    await expect(qr.count()).resolves.toBe(0);
    await page.getByRole('group', { name: 'Session commands' }).getByRole('button', { name: 'clearlogs' }).click();
    await page.getByRole('status').filter({ hasText: 'clearlogs: done' }).waitFor();
    await shot('channels-whatsapp-connected');
  });

  it('shows a push made with curl reach delivered in the message timeline', async () => {
    const response = await fetch(`${g.url}/api/v2/push`, { method: 'POST', body: JSON.stringify({ token: apiToken, application: 1, globalmessage: 'Hello from the console test', data: [{ number: '15551234567' }] }) });
    const pushed = (await response.json()) as Record<string, any>;
    expect(pushed.status).toBe(100);
    pushId = String(pushed.push_id);
    await goTo('Messages');
    await page.getByLabel('Push id').fill(pushId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('button', { name: /Timeline/ }).first().click();
    await page.getByRole('list', { name: 'State changes' }).getByText('delivered').waitFor();
    const states = await page.getByRole('list', { name: 'State changes' }).locator('.badge').allTextContents();
    expect(states[0]).toBe('queued');
    expect(states.at(-1)).toBe('delivered');
    await shot('messages');
  });

  it('opens a failed webhook delivery and replays it', async () => {
    await goTo('Webhook log');
    const failed = page.getByRole('row').filter({ hasText: 'exhausted' }).filter({ hasText: 'event' }).first();
    for (let round = 0; round < 50 && (await failed.count()) === 0; round++) {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.waitForTimeout(100);
    }
    await expect(failed.textContent()).resolves.toContain('500');
    await failed.getByRole('button', { name: /Open/ }).click();
    await page.getByText('receiver down').or(page.getByText('HTTP 500')).first().waitFor();
    await shot('webhooks-failed');
    receiver.respond(answer(200, 'ok', 'text/plain'));
    const before = receiver.calls.length;
    await page.getByRole('button', { name: 'Replay delivery' }).click();
    await page.getByRole('status').filter({ hasText: 'queued again' }).waitFor();
    await receiver.waitForCalls(before + 1);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('.facts').getByText('delivered', { exact: true }).waitFor();
    await shot('webhooks');
  });

  it('runs a device command', async () => {
    await goTo('Devices');
    const row = page.getByRole('row').filter({ hasText: 'Shop phone' });
    await row.getByLabel(/Command for/).selectOption('stop-message-queue');
    await row.getByRole('button', { name: 'Run' }).click();
    await page.getByRole('status').filter({ hasText: '1 device(s) reached' }).waitFor();
    const device = (await g.t.gateway.storage.stores.devices.listByProject(Number(projectId)))[0]!;
    expect(device.isMessageQueuePaused).toBe(true);
  });

  it('shows the wallet and its ledger, and the pages at phone width', async () => {
    await goTo('Wallet');
    await page.getByRole('region', { name: 'Ledger' }).waitFor();
    await expect(page.getByText(/Balance:/).textContent()).resolves.toMatch(/\d+(\.\d+)? credits/);
    await shot('wallet');
    await page.setViewportSize({ width: 390, height: 844 });
    await goTo('Messages');
    await shot('phone-messages');
    await goTo('Devices');
    await shot('phone-devices');
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('signs out, after which the console API refuses the old page', async () => {
    const before = (await browser.context.cookies()).find((each) => each.name === 'sb_console')!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Master token').waitFor();
    const replayed = await fetch(`${g.url}/console/api/session`, { headers: { cookie: `sb_console=${before.value}` } });
    expect(((await replayed.json()) as Record<string, unknown>).status).toBe(401);
    expect((await browser.context.cookies()).find((each) => each.name === 'sb_console' && each.value !== '')).toBeUndefined();
  });
});
