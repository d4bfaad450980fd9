// The one wallet under pushes from two nodes on one PostgreSQL: their push batches take turns on the
// wallet's row, and nothing is overdrawn or booked twice. (SQLite serves one node, so this suite runs only
// on PostgreSQL.)
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureAccount, type Gateway } from '../src/app/index.js';
import { startPostgresNodes, type PostgresNodes } from './support/postgres-nodes.js';
import { POSTGRES_URL } from './support/test-storage.js';

const CREDIT = 1_000_000;

describe.runIf(POSTGRES_URL)('the wallet under pushes from two nodes', () => {
  let cluster: PostgresNodes;
  let nodes: Gateway[];
  let token: string;
  let accountId: number;

  beforeEach(async () => {
    cluster = await startPostgresNodes({ SWITCHBOARD_MASTER_TOKEN: 'multi-node-wallet-master-token', SWITCHBOARD_MESSAGE_PRICES: '1=1', SWITCHBOARD_INITIAL_CREDITS: '10' });
    nodes = cluster.nodes;
    const report = await ensureAccount(nodes[0]!);
    await ensureAccount(nodes[1]!);
    token = report.demo!.apiToken;
    accountId = (await nodes[0]!.services.accounts.get())!.id;
  });
  afterEach(() => cluster.close());

  const push = async (node: Gateway, text: string) => {
    const response = await fetch(`${cluster.urlOf(node)}/api/v2/push`, { method: 'POST', body: JSON.stringify({ token, application: 1, globalmessage: text, data: [{ number: '15550001111' }] }) });
    return ((await response.json()) as { status: number }).status;
  };
  const balance = () => nodes[0]!.services.wallet.balance(accountId);

  it('never overdraws with both nodes pushing at once, and books each debit once', async () => {
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, index) => push(nodes[index % 2]!, `race ${index}`)));
    expect(statuses.filter((status) => status === 100)).toHaveLength(10);
    expect(statuses.filter((status) => status === 403)).toHaveLength(50);
    expect(await balance()).toBe(0);
    // Oldest first, the debits count the balance down one credit each from the opening 10: none booked twice or skipped.
    const debits = (await nodes[0]!.services.wallet.entries(accountId, 1000)).filter((entry) => entry.kind === 'debit').reverse();
    expect(debits.map((entry) => entry.balanceAfter)).toEqual(Array.from({ length: 10 }, (_, index) => (9 - index) * CREDIT));
  });
});
