// WhatsApp templates against Graph: template-request stores each language first (status 1), then asks
// Meta (`POST /{waba_id}/message_templates`); template-status reads what is stored; a periodic sync
// (`GET /{waba_id}/message_templates`) picks up Meta's verdicts, templates made in WhatsApp Manager, and
// submits what Meta could not be asked before (it was unreachable).
import { randomInt } from 'node:crypto';
import {
  PickyError,
  Status,
  invalidRequest,
  isCloudApiKind,
  parseTemplateRequest,
  templateStatusOf,
  templateView,
  type ChannelService,
  type Clock,
  type MetaChannelService,
  type MetaTemplate,
  type Project,
  type Storage,
} from '../../core/index.js';
import { GraphError, type GraphClient } from '../meta/graph-client.js';
import { type Json, asRecord, text } from '../meta/graph-json.js';

const ID_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** Picky's template ids look like `XY6479`; ours are 10 characters from an unambiguous alphabet. */
function newTemplateId(): string {
  return Array.from({ length: 10 }, () => ID_ALPHABET[randomInt(ID_ALPHABET.length)]).join('');
}

const MESSAGE_TYPES: Record<string, number> = { IMAGE: 2, DOCUMENT: 3, VIDEO: 4 };
const MAX_SYNC_PAGES = 50;

export class TemplateService {
  constructor(private readonly deps: { storage: Storage; graph: GraphClient; accounts: MetaChannelService; channels: ChannelService; clock: Clock; logError(error: unknown, context: string): void }) {}

  /** The project's Cloud API channel that `application` names (a kind or a channel id); 801 without one. */
  private async cloudChannel(project: Project, application: number | undefined): Promise<number> {
    const channels = (await this.deps.channels.listForProject(project.id)).filter((channel) => channel.status === 'active' && isCloudApiKind(channel.kind));
    const channel = application === undefined ? channels[0] : channels.find((candidate) => candidate.id === application || candidate.kind === application);
    if (!channel) throw new PickyError(Status.officialNotActive, 'the project has no WhatsApp Official channel (application 8, 101 or 121) linked to Meta');
    return channel.id;
  }

  async request(project: Project, raw: Json, application: number | undefined): Promise<Json> {
    const channelId = await this.cloudChannel(project, application);
    const parsed = parseTemplateRequest(raw);
    const meta = this.deps.storage.stores.meta;
    for (const { language } of parsed.languages) {
      if (await meta.findTemplateByName(channelId, parsed.name, language)) throw invalidRequest(`a template named ${parsed.name} in ${language} already exists on channel ${channelId}`);
    }
    const templateId = newTemplateId();
    const rows: MetaTemplate[] = [];
    for (const { language, components } of parsed.languages) {
      rows.push(
        await meta.createTemplate(
          { projectId: project.id, channelId, templateId, graphId: '', name: parsed.name, language, category: parsed.category, messageType: parsed.messageType, status: 1, metaStatus: '', reason: '', components },
          this.deps.clock.now(),
        ),
      );
    }
    for (const row of rows) await this.submit(row);
    const stored = await meta.findTemplates(project.id, templateId);
    return { template_id: templateId, template_status: templateView(stored).template_status, status: Status.success, message: 'Success', languages: templateView(stored).languages };
  }

  async status(project: Project, templateId: string | undefined): Promise<Json> {
    const meta = this.deps.storage.stores.meta;
    if (!templateId) {
      const all = await meta.listTemplates(project.id);
      if (all.length === 0) throw new PickyError(Status.noTemplates, 'the project has no templates');
      const groups = new Map<string, MetaTemplate[]>();
      for (const row of all) groups.set(row.templateId, [...(groups.get(row.templateId) ?? []), row]);
      return { status: Status.success, message: 'Success', data: [...groups.values()].map(templateView) };
    }
    const rows = await meta.findTemplates(project.id, templateId);
    if (rows.length === 0) throw new PickyError(Status.invalidTemplateId, `no template ${templateId} in this project`);
    return { status: Status.success, message: 'Success', ...templateView(rows) };
  }

  /** Asks Meta to review a stored template; Meta unreachable leaves it at status 1 for the next sync. */
  private async submit(row: MetaTemplate): Promise<void> {
    const opened = await this.deps.accounts.credentials(row.channelId);
    if (!opened) return;
    const meta = this.deps.storage.stores.meta;
    try {
      const answer = await this.deps.graph.postJson(`${encodeURIComponent(opened.account.wabaId)}/message_templates`, opened.accessToken, {
        name: row.name,
        language: row.language,
        category: row.category,
        components: row.components,
      });
      const metaStatus = text(answer.status).toUpperCase() || 'PENDING';
      await meta.updateTemplate(row.id, { graphId: text(answer.id), status: templateStatusOf(metaStatus), metaStatus, category: text(answer.category) || row.category }, this.deps.clock.now());
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      if (error.code === 0 || error.httpStatus >= 500) return;
      // Meta refused the template itself (name taken, bad format…): rejected, with Meta's words.
      await meta.updateTemplate(row.id, { status: 4, metaStatus: 'REJECTED', reason: `meta ${error.code}: ${error.details || error.message}` }, this.deps.clock.now());
    }
  }

  /** One pass over every Cloud API account: submit what waits, then read Meta's list. */
  async sync(): Promise<void> {
    const accounts = (await this.deps.storage.stores.meta.listAccounts()).filter((account) => isCloudApiKind(account.kind));
    for (const account of accounts) {
      try {
        for (const row of (await this.deps.storage.stores.meta.listTemplates(account.projectId)).filter((each) => each.channelId === account.channelId && each.status === 1 && !each.graphId)) await this.submit(row);
        // Channels of one WABA share its templates on Meta; each channel keeps its own rows.
        await this.syncAccount(account.channelId, account.projectId);
      } catch (error) {
        this.deps.logError(error, `template sync of channel ${account.channelId}`);
      }
    }
  }

  private async syncAccount(channelId: number, projectId: number): Promise<void> {
    const opened = await this.deps.accounts.credentials(channelId);
    if (!opened) return;
    const meta = this.deps.storage.stores.meta;
    let after = '';
    for (let page = 0; page < MAX_SYNC_PAGES; page += 1) {
      const answer = await this.deps.graph.getJson(`${encodeURIComponent(opened.account.wabaId)}/message_templates`, opened.accessToken, {
        fields: 'id,name,language,status,category,components',
        limit: '100',
        ...(after && { after }),
      });
      const items = Array.isArray(answer.data) ? answer.data.map(asRecord) : [];
      for (const item of items) {
        const graphId = text(item.id);
        const metaStatus = text(item.status).toUpperCase();
        const components = Array.isArray(item.components) ? item.components : [];
        const existing = (await meta.findTemplateByGraphId(channelId, graphId)) ?? (await meta.findTemplateByName(channelId, text(item.name), text(item.language)));
        const now = this.deps.clock.now();
        if (existing) {
          await meta.updateTemplate(existing.id, { graphId, status: templateStatusOf(metaStatus), metaStatus, components, category: text(item.category) || existing.category }, now);
          continue;
        }
        const header = components.map(asRecord).find((component) => text(component.type).toUpperCase() === 'HEADER');
        await meta.createTemplate(
          {
            projectId,
            channelId,
            templateId: newTemplateId(),
            graphId,
            name: text(item.name),
            language: text(item.language),
            category: text(item.category),
            messageType: MESSAGE_TYPES[text(header?.format).toUpperCase()] ?? 1,
            status: templateStatusOf(metaStatus),
            metaStatus,
            reason: '',
            components,
          },
          now,
        );
      }
      const paging = asRecord(answer.paging);
      after = text(asRecord(paging.cursors).after);
      if (!text(paging.next) || !after || items.length === 0) return;
    }
  }
}
