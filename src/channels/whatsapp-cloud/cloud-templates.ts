// Finds the stored template a push names: by the Picky template_id template-request answered, or by the
// template's name on Meta (templates made in WhatsApp Manager arrive by the periodic sync), in the
// language asked for, else the first approved language.
import type { MetaTemplate, Stores } from '../../core/index.js';

export async function findTemplateFor(stores: Stores, channelId: number, projectId: number, templateId: string, language: string | undefined): Promise<MetaTemplate[]> {
  let rows = (await stores.meta.findTemplates(projectId, templateId)).filter((row) => row.channelId === channelId);
  if (rows.length === 0) rows = (await stores.meta.listTemplates(projectId)).filter((row) => row.channelId === channelId && row.name === templateId);
  if (language) return rows.filter((row) => row.language === language);
  return rows;
}

/** The row to send: the language asked for, or the first approved one. */
export function pickTemplate(rows: MetaTemplate[]): MetaTemplate | undefined {
  return rows.find((row) => row.status === 3) ?? rows[0];
}
