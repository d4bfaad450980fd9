// Paired devices in SQL.
import type { Kysely } from 'kysely';
import type { Device, DeviceHello, DeviceStatus, QueueKind } from '../core/devices/device.js';
import type { DeviceStore } from '../core/stores.js';
import { SENDING } from './message-store.js';
import type { DeviceRow, Schema } from './schema.js';

function toDevice(row: Omit<DeviceRow, 'id' | 'max_call_members' | 'transport' | 'hook_secret'> & { id: number; max_call_members: number; transport: string; hook_secret: string }): Device {
  return {
    id: row.id,
    projectId: row.project_id,
    deviceKey: row.device_key,
    tokenHash: row.token_hash,
    phoneName: row.phone_name,
    appVersion: row.app_version,
    applications: JSON.parse(row.applications) as number[],
    delayMs: row.delay_ms,
    lastStatus: JSON.parse(row.last_status) as DeviceStatus,
    isOnline: row.is_online === 1,
    nodeId: row.node_id,
    lastSeenAt: row.last_seen_at,
    isMessageQueuePaused: row.message_queue_paused === 1,
    isCallQueuePaused: row.call_queue_paused === 1,
    maxCallMembers: row.max_call_members,
    transport: row.transport === 'android' ? 'android' : 'bridge',
    hookSecret: row.hook_secret,
    createdAt: row.created_at,
  };
}

export class SqlDeviceStore implements DeviceStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async upsert(hello: DeviceHello, tokenHash: string, nodeId: string, at: number): Promise<Device> {
    const row = await this.db
      .insertInto('devices')
      .values({
        project_id: hello.projectId,
        device_key: hello.deviceKey,
        token_hash: tokenHash,
        phone_name: hello.phoneName,
        app_version: hello.appVersion,
        applications: JSON.stringify(hello.applications),
        delay_ms: hello.delayMs,
        last_status: '{}',
        is_online: 1,
        node_id: nodeId,
        last_seen_at: at,
        message_queue_paused: 0,
        call_queue_paused: 0,
        max_call_members: hello.maxCallMembers,
        transport: hello.transport ?? 'bridge',
        hook_secret: hello.hookSecret ?? '',
        created_at: at,
        updated_at: at,
      })
      .onConflict((conflict) =>
        conflict.columns(['project_id', 'device_key']).doUpdateSet({
          token_hash: tokenHash,
          phone_name: hello.phoneName,
          app_version: hello.appVersion,
          applications: JSON.stringify(hello.applications),
          delay_ms: hello.delayMs,
          max_call_members: hello.maxCallMembers,
          is_online: 1,
          node_id: nodeId,
          last_seen_at: at,
          updated_at: at,
        }),
      )
      .returningAll()
      .executeTakeFirstOrThrow();
    return toDevice(row);
  }

  async findById(id: number): Promise<Device | undefined> {
    const row = await this.db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toDevice(row) : undefined;
  }

  async findByTokenHash(tokenHash: string): Promise<Device | undefined> {
    const row = await this.db.selectFrom('devices').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? toDevice(row) : undefined;
  }

  async listByProject(projectId: number): Promise<Device[]> {
    const rows = await this.db.selectFrom('devices').selectAll().where('project_id', '=', projectId).orderBy('id').execute();
    return rows.map(toDevice);
  }

  async setOnline(id: number, isOnline: boolean, nodeId: string, at: number): Promise<void> {
    await this.db.updateTable('devices').set({ is_online: isOnline ? 1 : 0, node_id: nodeId, last_seen_at: at, updated_at: at }).where('id', '=', id).execute();
  }

  async setOfflineForNode(nodeId: string, at: number): Promise<number> {
    const result = await this.db.updateTable('devices').set({ is_online: 0, updated_at: at }).where('node_id', '=', nodeId).where('is_online', '=', 1).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async setStatus(id: number, status: DeviceStatus, at: number): Promise<void> {
    await this.db.updateTable('devices').set({ last_status: JSON.stringify(status), last_seen_at: at, updated_at: at }).where('id', '=', id).execute();
  }

  async touch(id: number, at: number): Promise<void> {
    await this.db.updateTable('devices').set({ last_seen_at: at }).where('id', '=', id).execute();
  }

  async setPaused(id: number, queue: QueueKind, isPaused: boolean, at: number): Promise<void> {
    const column = queue === 'message' ? 'message_queue_paused' : 'call_queue_paused';
    await this.db.updateTable('devices').set({ [column]: isPaused ? 1 : 0, updated_at: at }).where('id', '=', id).execute();
  }

  async listSilentSince(before: number): Promise<Device[]> {
    const rows = await this.db.selectFrom('devices').selectAll().where('is_online', '=', 1).where('last_seen_at', '<', before).execute();
    return rows.map(toDevice);
  }

  async listOfflineHoldingMessages(before: number): Promise<Device[]> {
    const rows = await this.db
      .selectFrom('devices')
      .selectAll()
      .where('is_online', '=', 0)
      .where('last_seen_at', '<', before)
      // An app phone keeps what it fetched and sends it even while away from the gateway: given to another
      // device too, it would go out twice (docs/devices.md, "What holds across crashes").
      .where('transport', '=', 'bridge')
      .where((eb) => eb.exists(eb.selectFrom('messages').select('messages.id').whereRef('messages.device_id', '=', 'devices.id').where('messages.state', '=', SENDING)))
      .execute();
    return rows.map(toDevice);
  }
}
