// Storage: SQL stores over SQLite or PostgreSQL, behind core's Storage interface.
export { DatabaseUnreachableError, describeDatabase, isPostgresUrl, type StorageSettings } from './database-location.js';
export { openStorage } from './open-storage.js';
export { SqlStorage, type MigrationReport } from './sql-storage.js';
export type { DialectCapabilities } from './capabilities.js';
export type { NodeChannel, NodeChannelHandlers, NodeChannelListener } from './node-channel.js';
export { dropPostgresSchema } from './postgres-driver.js';
export { ensurePrivateDir, ensurePrivateFile } from './private-files.js';
export { SecretKeyMismatchError, type SealingReport } from './secret-sealing.js';
