// The account that owns every project: its master token and its wallet ledger.

export interface Account {
  id: number;
  masterTokenHash: string;
  isDisabled: boolean;
  createdAt: number;
}

export type LedgerKind = 'credit' | 'debit' | 'refund';

export interface LedgerEntry {
  id: number;
  accountId: number;
  kind: LedgerKind;
  /** Signed micro-credits: positive adds to the balance, negative takes from it. */
  amount: number;
  balanceAfter: number;
  reason: string;
  reference: string;
  projectId: number | null;
  createdAt: number;
}

export type NewLedgerEntry = Omit<LedgerEntry, 'id' | 'balanceAfter'>;
