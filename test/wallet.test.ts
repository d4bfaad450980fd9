// Wallet arithmetic and its ledger on real storage: integers only, never overdrawn, every change recorded.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WalletService, creditsAsNumber, formatCredits, parseCredits, systemClock, type Storage } from '../src/core/index.js';
import { openTestStorage, type TestStorage } from './support/test-storage.js';

let test: TestStorage;
let wallet: WalletService;
let accountId: number;

beforeEach(async () => {
  test = await openTestStorage();
  const storage: Storage = test.storage;
  await storage.stores.accounts.create('hash', 1);
  accountId = (await storage.stores.accounts.find())!.id;
  wallet = new WalletService(storage, systemClock);
});
afterEach(async () => test.close());

describe('credit amounts', () => {
  it('parses and formats decimals exactly, in micro-credits', () => {
    expect(parseCredits('0.005')).toBe(5000);
    expect(parseCredits('12')).toBe(12_000_000);
    expect(parseCredits(2.5)).toBe(2_500_000);
    expect(parseCredits('0.0000001')).toBeUndefined();
    expect(parseCredits('-1')).toBeUndefined();
    expect(parseCredits('1e3')).toBeUndefined();
    expect(formatCredits(5000)).toBe('0.005');
    expect(formatCredits(-2_500_000)).toBe('-2.5');
    expect(formatCredits(parseCredits('0.1')! + parseCredits('0.2')!)).toBe('0.3');
    expect(creditsAsNumber(59_108_000)).toBe(59.108);
  });
});

describe('wallet and ledger', () => {
  it('credits, debits and refunds, recording each with the balance after it', async () => {
    const stores = test.storage.stores;
    expect(await wallet.credit({ accountId, amount: 10_000_000, reason: 'top-up', reference: 'cli' })).toBe(10_000_000);
    expect(await wallet.debit({ accountId, amount: 5000, reason: 'message', reference: 'msg:1', projectId: 7 }, stores)).toBe(9_995_000);
    expect(await wallet.refund({ accountId, amount: 5000, reason: 'failed', reference: 'msg:1', projectId: 7 })).toBe(10_000_000);
    const entries = await wallet.entries(accountId);
    expect(entries.map((e) => [e.kind, e.amount, e.balanceAfter, e.reference, e.projectId])).toEqual([
      ['refund', 5000, 10_000_000, 'msg:1', 7],
      ['debit', -5000, 9_995_000, 'msg:1', 7],
      ['credit', 10_000_000, 10_000_000, 'cli', null],
    ]);
  });

  it('refuses a debit the balance cannot pay with 403 and records nothing', async () => {
    await wallet.credit({ accountId, amount: 1000, reason: 'top-up', reference: 'x' });
    await expect(wallet.debit({ accountId, amount: 1001, reason: 'message', reference: 'm' }, test.storage.stores)).rejects.toMatchObject({ code: 403 });
    expect(await wallet.balance(accountId)).toBe(1000);
    expect(await wallet.entries(accountId)).toHaveLength(1);
  });

  it('rolls the debit back with the transaction that failed after it', async () => {
    await wallet.credit({ accountId, amount: 1000, reason: 'top-up', reference: 'x' });
    await expect(
      test.storage.transaction(async (stores) => {
        await wallet.debit({ accountId, amount: 400, reason: 'message', reference: 'm' }, stores);
        throw new Error('later write failed');
      }),
    ).rejects.toThrow('later write failed');
    expect(await wallet.balance(accountId)).toBe(1000);
    expect(await wallet.entries(accountId)).toHaveLength(1);
  });

  it('never overdraws under concurrent debits', async () => {
    await wallet.credit({ accountId, amount: 100, reason: 'top-up', reference: 'x' });
    const attempts = Array.from({ length: 25 }, (_, index) =>
      test.storage.transaction((stores) => wallet.debit({ accountId, amount: 10, reason: 'message', reference: `m${index}` }, stores)),
    );
    const results = await Promise.allSettled(attempts);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(10);
    expect(results.filter((result) => result.status === 'rejected').every((result) => (result as PromiseRejectedResult).reason.code === 403)).toBe(true);
    expect(await wallet.balance(accountId)).toBe(0);
    const entries = await wallet.entries(accountId, 100);
    expect(entries.filter((e) => e.kind === 'debit')).toHaveLength(10);
    expect(entries.every((e) => e.balanceAfter >= 0)).toBe(true);
  });

  it('refuses amounts that are not positive whole micro-credits', async () => {
    await expect(wallet.credit({ accountId, amount: 1.5, reason: 'x', reference: 'x' })).rejects.toMatchObject({ code: 410 });
    await expect(wallet.credit({ accountId, amount: -5, reason: 'x', reference: 'x' })).rejects.toMatchObject({ code: 410 });
  });
});
