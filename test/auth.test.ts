// Token lookup and its cache, IP allow-lists, and the URL policy that guards webhook and media URLs.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiTokenService, Authenticator, IpAllowList, UrlPolicy, allowListEntryProblem } from '../src/core/index.js';
import { isReservedAddress } from '../src/dispatch/index.js';
import { ManualClock } from './support/test-gateway.js';
import { openTestStorage, type TestStorage } from './support/test-storage.js';

describe('IP allow-lists', () => {
  it('match addresses and CIDR ranges of both families', () => {
    const list = new IpAllowList(['192.168.0.1', '10.0.0.0/8', '2001:db8::/32']);
    expect(list.allows('192.168.0.1')).toBe(true);
    expect(list.allows('192.168.0.2')).toBe(false);
    expect(list.allows('10.200.3.4')).toBe(true);
    expect(list.allows('::ffff:10.1.1.1')).toBe(true);
    expect(list.allows('2001:db8:1::5')).toBe(true);
    expect(list.allows('2001:db9::1')).toBe(false);
    expect(list.allows('not-an-ip')).toBe(false);
    expect(new IpAllowList([]).allows('8.8.8.8')).toBe(true);
  });

  it('explain bad entries', () => {
    expect(allowListEntryProblem('1.2.3.4/24')).toBeUndefined();
    expect(allowListEntryProblem('1.2.3')).toContain('not an IP address');
    expect(allowListEntryProblem('1.2.3.4/40')).toContain('prefix length');
    expect(allowListEntryProblem('::1/129')).toContain('prefix length');
  });
});

describe('URL policy', () => {
  const resolve = async (host: string) => ({ 'public.example': ['93.184.216.34'], 'inside.example': ['10.0.0.5'], 'v6.example': ['fd00::1'] })[host] ?? [];
  const strict = new UrlPolicy({ allowPrivate: false, resolve, isReserved: isReservedAddress });

  it.each([
    ['https://public.example/hook', undefined],
    ['ftp://public.example/', 'must be an http or https URL'],
    ['not a url', 'is not a valid URL'],
    ['http://user:pw@public.example/', 'must not carry credentials'],
    ['http://localhost:8080/', 'loopback'],
    ['http://127.0.0.1/', 'private or reserved'],
    ['http://[::1]/', 'private or reserved'],
    ['http://169.254.169.254/latest/meta-data', 'private or reserved'],
    ['http://inside.example/', 'private or reserved address (10.0.0.5)'],
    ['http://v6.example/', 'private or reserved'],
    ['http://nowhere.example/', 'does not resolve'],
  ])('%s → %s', async (url, problem) => {
    const answer = await strict.problem(url);
    if (problem === undefined) expect(answer).toBeUndefined();
    else expect(answer).toContain(problem);
  });

  it('allows private addresses when the operator says so', async () => {
    expect(await new UrlPolicy({ allowPrivate: true, resolve, isReserved: isReservedAddress }).problem('http://127.0.0.1:9/x')).toBeUndefined();
  });
});

describe('Authenticator cache', () => {
  let test: TestStorage;
  beforeEach(async () => {
    test = await openTestStorage();
  });
  afterEach(async () => test.close());

  it('drops entries on local changes at once; another node sees them within the TTL', async () => {
    const clock = new ManualClock();
    await test.storage.stores.accounts.create('h', 1);
    const project = await test.storage.stores.projects.create(
      { accountId: 1, name: 'P', number: '', companyName: '', country: '', timeZone: 'UTC', dateFormat: 'DD-MM-YYYY', service: 1, billingPlan: 1, status: 'Active', licenseKey: 'k', globalWebhook: '', eventWebhook: '', smartReplyWebhook: '', webhookFormat: 'json', webhookSecret: 'whsec_test', webhookRetrySchedule: '', notes: '', nextBillingAt: null },
      1,
    );
    const nodeA = new Authenticator(test.storage, clock, 5000);
    const nodeB = new Authenticator(test.storage, clock, 5000);
    const tokensOnA = new ApiTokenService(test.storage, clock, nodeA);
    const issued = await tokensOnA.issue(project.id, []);
    expect((await nodeA.project(issued.token, '1.1.1.1')).project.id).toBe(project.id);
    expect((await nodeB.project(issued.token, '1.1.1.1')).project.id).toBe(project.id);

    await tokensOnA.setStatus(issued.record, 'disabled');
    await expect(nodeA.project(issued.token, '1.1.1.1')).rejects.toMatchObject({ code: 401 });
    expect((await nodeB.project(issued.token, '1.1.1.1')).project.id).toBe(project.id);
    clock.advance(5001);
    await expect(nodeB.project(issued.token, '1.1.1.1')).rejects.toMatchObject({ code: 401, detail: 'token is disabled' });
  });
});
