// WhatsApp message templates: the stored template (one row per language under one Picky template id),
// Picky's `template_status` numbers, and how Meta's template states map onto them.

/** Picky's template_status: 1 pending review (ours), 2 WhatsApp pending review, 3 approved, 4 rejected. */
export type TemplateStatus = 1 | 2 | 3 | 4;

export interface MetaTemplate {
  id: number;
  projectId: number;
  channelId: number;
  /** The id clients use (`template_id` of template-request, template-status and push). */
  templateId: string;
  /** Meta's id of the template ('' until Meta accepted it). */
  graphId: string;
  name: string;
  language: string;
  category: string;
  /** Picky message_type: 1 text, 2 image, 3 document, 4 video. */
  messageType: number;
  status: TemplateStatus;
  /** Meta's own state (PENDING, APPROVED, REJECTED, PAUSED, DISABLED…) and reason. */
  metaStatus: string;
  reason: string;
  /** The components as sent to / read from Meta (HEADER, BODY, FOOTER, BUTTONS). */
  components: unknown[];
  createdAt: number;
  updatedAt: number;
}

export type NewMetaTemplate = Omit<MetaTemplate, 'id' | 'createdAt' | 'updatedAt'>;
export type TemplateChanges = Partial<Pick<MetaTemplate, 'graphId' | 'status' | 'metaStatus' | 'reason' | 'components' | 'category'>>;

/** Meta's template state → Picky's number: approved 3; refused, paused, disabled or deleted 4; else 2. */
export function templateStatusOf(metaStatus: string): TemplateStatus {
  const status = metaStatus.toUpperCase();
  if (status === 'APPROVED' || status === 'REINSTATED' || status === 'UNARCHIVED') return 3;
  if (['REJECTED', 'DISABLED', 'PAUSED', 'DELETED', 'PENDING_DELETION', 'ARCHIVED', 'LIMIT_EXCEEDED'].includes(status)) return 4;
  return 2;
}

/** Meta's template events that say nothing about whether it can be sent (they keep the current state). */
export function isStateEvent(event: string): boolean {
  return !['FLAGGED', 'LOCKED', 'UNLOCKED', 'IN_APPEAL'].includes(event.toUpperCase());
}

/** What a template-status answer shows of one template. */
export function templateView(rows: MetaTemplate[]): Record<string, unknown> {
  const first = rows[0]!;
  // Several languages under one id: the least advanced state is the template's (3 only when all are approved).
  const status = rows.some((row) => row.status === 4) ? 4 : Math.min(...rows.map((row) => row.status));
  return {
    template_id: first.templateId,
    name: first.name,
    category: first.category,
    message_type: first.messageType,
    template_status: status,
    channel_id: String(first.channelId),
    languages: rows.map((row) => ({ language: row.language, template_status: row.status, meta_status: row.metaStatus, reason: row.reason, meta_template_id: row.graphId })),
    components: first.components,
  };
}
