// The ordered list of migrations; both dialects run the same list.
import type { Migration, MigrationProvider } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';
import { foundationMigration } from './0001-foundation.js';
import { pushMigration } from './0002-push.js';
import { bridgeMigration } from './0003-bridge.js';
import { webhooksMigration } from './0004-webhooks.js';
// Call conferences (migration 0005).
import { callsMigration } from './0005-calls.js';
import { whatsappWebMigration } from './0006-whatsapp-web.js';
import { sealedSecretsMigration } from './0007-sealed-secrets.js';
import { webhookLanesMigration } from './0008-webhook-lanes.js';
import { metaChannelsMigration } from './0009-meta-channels.js';
import { consoleSessionsMigration } from './0010-console-sessions.js';
import { androidDevicesMigration } from './0011-android-devices.js';
import { messagesByProjectMigration } from './0012-messages-by-project.js';

export function migrationProvider(capabilities: DialectCapabilities): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001_foundation': foundationMigration(capabilities),
    '0002_push': pushMigration(capabilities),
    '0003_bridge': bridgeMigration(capabilities),
    '0004_webhooks': webhooksMigration(capabilities),
    '0005_calls': callsMigration(capabilities),
    '0006_whatsapp_web': whatsappWebMigration(capabilities),
    '0007_sealed_secrets': sealedSecretsMigration(capabilities),
    '0008_webhook_lanes': webhookLanesMigration(capabilities),
    '0009_meta_channels': metaChannelsMigration(capabilities),
    '0010_console_sessions': consoleSessionsMigration(),
    '0011_android_devices': androidDevicesMigration(capabilities),
    '0012_messages_by_project': messagesByProjectMigration(),
  };
  return { getMigrations: async () => migrations };
}
