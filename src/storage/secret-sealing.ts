// The start-up pass over stored secrets: checks that this gateway's key is the one the database's
// secrets are sealed with, seals rows still in clear (from before sealing), and re-seals rows sealed
// under a previous key after a rotation.
import { sql, type Kysely } from 'kysely';
import { hashToken } from '../core/secrets.js';
import type { Schema } from './schema.js';
import type { ResealingBox } from './stored-secrets.js';

export interface SealingReport {
  /** Rows written again: clear ones sealed, or old-key ones re-sealed. */
  sealed: number;
}

/** The secret key is wrong for this database: starting would fail later on every secret. */
export class SecretKeyMismatchError extends Error {
  override readonly name = 'SecretKeyMismatchError';
}

const KEY_CHECK = 'secret_key_check';
const KEY_CHECK_TEXT = 'switchboard secret key check';
const BATCH = 200;

function keyIdOf(sealed: string): string {
  return sealed.split(':')[1] ?? '?';
}

function mismatch(box: ResealingBox, sealedUnder: string, cause?: unknown): SecretKeyMismatchError {
  return new SecretKeyMismatchError(
    `the database's secrets are sealed with secret key ${sealedUnder}, but this gateway's key is ${box.keyId}: ` +
      'give every node the same SWITCHBOARD_SECRET_KEY, or to rotate put the old key in SWITCHBOARD_SECRET_KEY_PREVIOUS',
    cause === undefined ? undefined : { cause },
  );
}

function reopen(box: ResealingBox, stored: string): string {
  try {
    return box.isSealed(stored) ? box.open(stored) : stored;
  } catch (error) {
    throw mismatch(box, keyIdOf(stored), error);
  }
}

/** Stored text that still needs the current key: clear, or sealed under another key. */
function notCurrent(box: ResealingBox, column: string) {
  // substr rather than LIKE: key ids may hold '_', which LIKE reads as a wildcard.
  return sql<boolean>`substr(${sql.ref(column)}, 1, ${box.keyId.length + 5}) <> ${`sb1:${box.keyId}:`}`;
}

async function checkKey(db: Kysely<Schema>, box: ResealingBox): Promise<void> {
  const read = () => db.selectFrom('gateway_settings').select('value').where('name', '=', KEY_CHECK).executeTakeFirst();
  let row = await read();
  if (!row) {
    // Two nodes starting together on an empty database: the first insert wins and the other is checked against it.
    await db.insertInto('gateway_settings').values({ name: KEY_CHECK, value: box.seal(KEY_CHECK_TEXT) }).onConflict((conflict) => conflict.column('name').doNothing()).execute();
    row = (await read())!;
  }
  if (reopen(box, row.value) !== KEY_CHECK_TEXT) throw mismatch(box, keyIdOf(row.value));
  if (!box.isSealedWithCurrentKey(row.value)) {
    await db.updateTable('gateway_settings').set({ value: box.seal(KEY_CHECK_TEXT) }).where('name', '=', KEY_CHECK).where('value', '=', row.value).execute();
  }
}

async function sealProjects(db: Kysely<Schema>, box: ResealingBox): Promise<number> {
  let sealed = 0;
  for (;;) {
    const rows = await db
      .selectFrom('projects')
      .select(['id', 'license_key', 'license_key_hash', 'webhook_secret'])
      .where((eb) => eb.or([notCurrent(box, 'license_key'), notCurrent(box, 'webhook_secret'), eb('license_key_hash', '=', '')]))
      .orderBy('id')
      .limit(BATCH)
      .execute();
    let written = 0;
    for (const row of rows) {
      const licenseKey = reopen(box, row.license_key);
      const result = await db
        .updateTable('projects')
        .set({ license_key: box.seal(licenseKey), license_key_hash: hashToken(licenseKey), webhook_secret: box.seal(reopen(box, row.webhook_secret)) })
        .where('id', '=', row.id)
        .where('license_key', '=', row.license_key)
        .where('webhook_secret', '=', row.webhook_secret)
        .executeTakeFirst();
      written += Number(result.numUpdatedRows);
    }
    sealed += written;
    // No progress means another node is sealing the same rows (its conditional updates won).
    if (rows.length < BATCH || written === 0) return sealed;
  }
}

/** A column holding one sealed secret per row (null allowed), and the columns that identify its row. */
interface SealedColumn {
  table: string;
  keys: readonly string[];
  column: string;
}

// Every sealed column but the projects' (which also carries the license key hash). A column added
// elsewhere (another channel's credentials) belongs here, or a key rotation would strand its values.
const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'whatsapp_web_sessions', keys: ['channel_id'], column: 'creds' },
  { table: 'whatsapp_web_keys', keys: ['channel_id', 'type', 'key_id'], column: 'value' },
  { table: 'meta_accounts', keys: ['channel_id'], column: 'access_token' },
  { table: 'meta_accounts', keys: ['channel_id'], column: 'app_secret' },
];

async function sealColumn(db: Kysely<Schema>, box: ResealingBox, { table, keys, column }: SealedColumn): Promise<number> {
  // The table list is ours, not input; the dynamic query avoids one copy of this loop per table.
  const any = db as unknown as Kysely<Record<string, Record<string, string | number | null>>>;
  let sealed = 0;
  for (;;) {
    const rows = await any.selectFrom(table).select([...keys, column]).where(column, 'is not', null).where(notCurrent(box, column)).limit(BATCH).execute();
    let written = 0;
    for (const row of rows) {
      const stored = String(row[column]);
      let update = any.updateTable(table).set({ [column]: box.seal(reopen(box, stored)) }).where(column, '=', stored);
      for (const key of keys) update = update.where(key, '=', row[key]!);
      written += Number((await update.executeTakeFirst()).numUpdatedRows);
    }
    sealed += written;
    if (rows.length < BATCH || written === 0) return sealed;
  }
}

/** Refuses a wrong key (SecretKeyMismatchError), then seals or re-seals every secret not under the current key. */
export async function sealStoredSecrets(db: Kysely<Schema>, box: ResealingBox): Promise<SealingReport> {
  await checkKey(db, box);
  let sealed = await sealProjects(db, box);
  for (const column of SEALED_COLUMNS) sealed += await sealColumn(db, box, column);
  return { sealed };
}
