// Local state readable by the gateway's user only: the data directory 0700, its files 0600.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';

const PRIVATE_DIR = 0o700;
const PRIVATE_FILE = 0o600;

/** Creates the directory if needed and takes away group and other access (it holds the database and keys). */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR });
  chmodSync(dir, PRIVATE_DIR);
}

/**
 * Creates the file empty if missing and makes it 0600. SQLite gives its -wal and -shm files the mode of
 * the database file, so restricting the database before it is opened restricts them too; existing ones
 * (from before this rule) are restricted here as well.
 */
export function ensurePrivateFile(file: string, companions: readonly string[] = []): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE));
  chmodSync(file, PRIVATE_FILE);
  for (const companion of companions) if (existsSync(companion)) chmodSync(companion, PRIVATE_FILE);
}
