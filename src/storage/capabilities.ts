// What the two SQL dialects can and cannot do, in one place; everything else in storage is shared.
import type { ColumnDefinitionBuilder } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

export interface DialectCapabilities {
  dialect: DialectName;
  /** Column type for auto-incrementing integer primary keys. */
  autoIncrementIdType: 'integer' | 'bigserial';
  /** Several connections may write at once (PostgreSQL); SQLite serialises writers in one process. */
  supportsConcurrentWriters: boolean;
  /** `SELECT … FOR UPDATE SKIP LOCKED` for claiming work rows. */
  supportsSkipLocked: boolean;
  /** `LISTEN/NOTIFY` wake-ups between gateway nodes. */
  supportsListenNotify: boolean;
  /** `SELECT … FOR UPDATE` row locks (SQLite locks the whole database for a writer instead). */
  supportsRowLocks: boolean;
  binaryColumnType: 'blob' | 'bytea';
  /** Bind parameters per statement, kept under the driver's limit. */
  maxParameters: number;
}

export const SQLITE_CAPABILITIES: DialectCapabilities = {
  dialect: 'sqlite',
  autoIncrementIdType: 'integer',
  supportsConcurrentWriters: false,
  supportsSkipLocked: false,
  supportsListenNotify: false,
  supportsRowLocks: false,
  binaryColumnType: 'blob',
  maxParameters: 30_000,
};

export const POSTGRES_CAPABILITIES: DialectCapabilities = {
  dialect: 'postgres',
  autoIncrementIdType: 'bigserial',
  supportsConcurrentWriters: true,
  supportsSkipLocked: true,
  supportsListenNotify: true,
  supportsRowLocks: true,
  binaryColumnType: 'bytea',
  maxParameters: 60_000,
};

/** An auto-incrementing integer primary key in the dialect's own form, for migrations. */
export function autoIncrementId(capabilities: DialectCapabilities): [type: 'integer' | 'bigserial', build: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder] {
  const type = capabilities.autoIncrementIdType;
  return [type, (column) => (type === 'integer' ? column.primaryKey().autoIncrement() : column.primaryKey())];
}
