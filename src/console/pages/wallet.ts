// Wallet: the account's balance and its ledger (credits, debits, refunds), newest first.
import { useEffect, useState } from 'preact/hooks';
import { call, type Answer } from '../api.js';
import { Notice, Table, html, useAction, when } from '../ui.js';

export function WalletPage() {
  const [ledger, setLedger] = useState<Answer | undefined>();
  const [outcome, run] = useAction();
  const load = () => run(async () => setLedger(await call('console/wallet-ledger', { limit: 100 })));
  useEffect(() => void load(), []);
  return html`
    <p class="balance">Balance: <strong>${ledger ? `${String(ledger.balance)} credits` : '…'}</strong>
      <button type="button" class="secondary" onClick=${load} disabled=${outcome.busy}>Refresh</button></p>
    <p class="hint">Add credit with <code>npx switchboard credit add 25</code>.</p>
    <${Notice} outcome=${outcome} />
    <${Table} caption="Ledger" empty="No entries yet." rows=${(ledger?.data as Answer[]) ?? []} columns=${[
      { label: 'When', cell: (row: Answer) => when(row.created_at) },
      { label: 'Kind', cell: (row: Answer) => row.kind },
      { label: 'Amount', cell: (row: Answer) => html`<span class="num">${row.amount}</span>` },
      { label: 'Balance after', cell: (row: Answer) => html`<span class="num">${row.balance_after}</span>` },
      { label: 'Reason', cell: (row: Answer) => row.reason },
      { label: 'Project', cell: (row: Answer) => row.project_id || '—' },
      { label: 'Reference', cell: (row: Answer) => row.reference },
    ]} />`;
}
