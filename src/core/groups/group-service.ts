// The group and settings APIs (create-whatsapp-group … two-step-verification): checks each request
// against the contract, counts group changes against the per-channel limits, asks the channel, and
// shapes the answer as the contract does. Synchronous: nothing is queued, so a channel that cannot
// act now answers at once (404 for a WhatsApp Web session that is not connected).
import { PickyError, Status, invalidRequest } from '../status-codes.js';
import { formatProjectTime } from '../project-time.js';
import type { Project } from '../project.js';
import { type GroupBackends, type GroupInfo, type ParticipantOutcome } from './group-backend.js';
import { GROUP_DESCRIPTION_MAX, readGroupId, readImageUrl, readInteger, readNumbers, readProfileUpdate, readSubject } from './group-input.js';
import type { GroupRateLimit } from './group-rate-limit.js';

type Raw = Record<string, unknown>;
type Answer = Record<string, unknown>;

const ok = (fields: Answer = {}): Answer => ({ status: Status.success, message: 'Success', ...fields });

export class GroupService {
  constructor(private readonly deps: { backends: GroupBackends; limits: GroupRateLimit }) {}

  private groups(project: Project, raw: Raw) {
    return this.deps.backends.forGroups(project, readInteger(raw.application, 'application'));
  }

  private view(project: Project, info: GroupInfo, inviteLink: string): Answer {
    const member = (number: string) => ({ number, created_time: '' });
    return {
      group_id: info.groupId,
      group_subject: info.subject,
      group_description: info.description,
      group_invite_link: inviteLink,
      group_icon_link: '',
      group_admins: info.participants.filter((each) => each.isAdmin).map((each) => member(each.number)),
      group_members: info.participants.filter((each) => !each.isAdmin).map((each) => member(each.number)),
      group_created_date: info.createdAt ? formatProjectTime(info.createdAt, project.timeZone, project.dateFormat) : '',
    };
  }

  async create(project: Project, raw: Raw): Promise<Answer> {
    const subject = readSubject(raw.group_subject);
    const numbers = readNumbers(raw.number, raw.data);
    const icon = readImageUrl(raw.group_icon, 'group_icon');
    const { channelId, backend } = await this.groups(project, raw);
    this.deps.limits.take(channelId, true);
    const info = await backend.create(subject, numbers, icon);
    // The group exists from here on: a failed icon or invite code is said in `detail`, not as a failure.
    const problems = info.iconProblem ? [`group_icon not set: ${info.iconProblem}`] : [];
    const link = await backend.inviteLink(info.groupId).catch((error: unknown) => (problems.push(`no invite link: ${describe(error)}`), ''));
    const added = new Set(info.participants.map((each) => each.number));
    const missing = numbers.filter((number) => !added.has(number));
    if (missing.length > 0) problems.push(`not added (privacy settings, or no WhatsApp account): ${missing.join(', ')}`);
    return ok({ ...this.view(project, info, link), ...(problems.length > 0 && { detail: problems.join('; ') }) });
  }

  async details(project: Project, raw: Raw): Promise<Answer> {
    const groupId = readGroupId(raw.group_id);
    const { backend } = await this.groups(project, raw);
    const info = await backend.details(groupId);
    // Only an admin may read the invite code; a member's details come without it.
    const link = await backend.inviteLink(groupId).catch(() => '');
    return ok(this.view(project, info, link));
  }

  /** Members (or admins) of a group, checked against its current participants: 841 when none is in it. */
  private async participantsIn(project: Project, raw: Raw, wantAdmins: boolean) {
    const groupId = readGroupId(raw.group_id);
    const numbers = readNumbers(raw.number, raw.data);
    const { channelId, backend } = await this.groups(project, raw);
    const info = await backend.details(groupId);
    const present = new Set(info.participants.filter((each) => !wantAdmins || each.isAdmin).map((each) => each.number));
    const inGroup = numbers.filter((number) => present.has(number));
    if (inGroup.length === 0) throw new PickyError(Status.notInGroup, `${numbers.join(', ')} ${numbers.length > 1 ? 'are' : 'is'} not ${wantAdmins ? 'an admin' : 'a member'} of the group`);
    return { groupId, numbers, inGroup, channelId, backend };
  }

  async addAdmins(project: Project, raw: Raw): Promise<Answer> {
    const { groupId, numbers, inGroup, channelId, backend } = await this.participantsIn(project, raw, false);
    this.deps.limits.take(channelId, false);
    const outcomes = await backend.participants(groupId, inGroup, 'promote');
    if (!outcomes.some((each) => each.isDone)) throw new PickyError(Status.cannotCreateAdmin, `WhatsApp made none of ${inGroup.join(', ')} an admin (is the linked number an admin of the group?)`);
    return ok({ group_id: groupId, data: outcomeRows(numbers, outcomes) });
  }

  async addMembers(project: Project, raw: Raw): Promise<Answer> {
    const groupId = readGroupId(raw.group_id);
    const numbers = readNumbers(raw.number, raw.data);
    const { channelId, backend } = await this.groups(project, raw);
    this.deps.limits.take(channelId, false);
    const outcomes = await backend.participants(groupId, numbers, 'add');
    if (!outcomes.some((each) => each.isDone)) throw new PickyError(Status.cannotProcess, `WhatsApp added none of ${numbers.join(', ')} (privacy settings, no WhatsApp account, or the linked number is not an admin)`);
    return ok({ group_id: groupId, data: outcomeRows(numbers, outcomes) });
  }

  /** `type` 0 removes members from the group, 1 takes admin rights away (they stay members). */
  async removeMembers(project: Project, raw: Raw): Promise<Answer> {
    const type = raw.type === undefined || raw.type === null || raw.type === '' ? 0 : Number(raw.type);
    if (type !== 0 && type !== 1) throw new PickyError(Status.invalidType, `type ${String(raw.type).slice(0, 16)}: 0 members, 1 admins`);
    const { groupId, numbers, inGroup, channelId, backend } = await this.participantsIn(project, raw, type === 1);
    this.deps.limits.take(channelId, false);
    const outcomes = await backend.participants(groupId, inGroup, type === 0 ? 'remove' : 'demote');
    return ok({ group_id: groupId, data: outcomeRows(numbers, outcomes) });
  }

  async updateInfo(project: Project, raw: Raw): Promise<Answer> {
    const groupId = readGroupId(raw.group_id);
    const subject = raw.group_subject === undefined ? undefined : readSubject(raw.group_subject);
    const description = raw.group_description === undefined || raw.group_description === null ? undefined : String(raw.group_description);
    if (description !== undefined && [...description].length > GROUP_DESCRIPTION_MAX) throw invalidRequest(`group_description is longer than ${GROUP_DESCRIPTION_MAX} characters`);
    const icon = readImageUrl(raw.group_icon, 'group_icon');
    if (subject === undefined && description === undefined && icon === undefined) throw invalidRequest('nothing to update: give group_subject, group_description or group_icon');
    const { channelId, backend } = await this.groups(project, raw);
    this.deps.limits.take(channelId, false);
    if (subject !== undefined) await backend.setSubject(groupId, subject);
    if (description !== undefined) await backend.setDescription(groupId, description);
    if (icon !== undefined) await backend.setIcon(groupId, icon);
    return ok({ group_id: groupId });
  }

  async inviteLink(project: Project, raw: Raw): Promise<Answer> {
    const groupId = readGroupId(raw.group_id);
    const { backend } = await this.groups(project, raw);
    return ok({ group_id: groupId, group_invite_link: await backend.inviteLink(groupId) });
  }

  /** `action` 1 deletes the icon, 2 revokes the invite link (a new one answers), 3 leaves the group. */
  async deleteAction(project: Project, raw: Raw): Promise<Answer> {
    const groupId = readGroupId(raw.group_id);
    const action = raw.action === undefined || raw.action === null || raw.action === '' ? undefined : Number(raw.action);
    if (action !== 1 && action !== 2 && action !== 3) throw new PickyError(Status.invalidAction, `action ${action === undefined ? '(none)' : String(raw.action).slice(0, 16)}: 1 delete icon, 2 delete invite link, 3 leave group`);
    const { channelId, backend } = await this.groups(project, raw);
    this.deps.limits.take(channelId, false);
    if (action === 1) await backend.removeIcon(groupId);
    if (action === 3) await backend.leave(groupId);
    if (action !== 2) return ok({ group_id: groupId });
    return ok({ group_id: groupId, group_invite_link: await backend.revokeInvite(groupId) });
  }

  async updateProfile(project: Project, raw: Raw): Promise<Answer> {
    const update = readProfileUpdate(raw);
    const { backend } = await this.deps.backends.forSettings(project, readInteger(raw.application, 'application'));
    await backend.updateProfile(update);
    return ok();
  }

  /** `action` 0 sets the PIN (6 digits), 1 removes it. */
  async twoStepVerification(project: Project, raw: Raw): Promise<Answer> {
    const action = raw.action === undefined || raw.action === null || raw.action === '' ? undefined : Number(raw.action);
    if (action !== 0 && action !== 1) throw new PickyError(Status.invalidAction, `action ${action === undefined ? '(none)' : String(raw.action).slice(0, 16)}: 0 enable, 1 disable`);
    const pin = raw.pin === undefined || raw.pin === null ? '' : String(raw.pin).trim();
    if (action === 0 && !/^\d{6}$/.test(pin)) throw invalidRequest('pin must be 6 digits to enable two-step verification');
    const { backend } = await this.deps.backends.forSettings(project, readInteger(raw.application, 'application'));
    await backend.twoStepVerification(action === 0 ? 'enable' : 'disable', pin);
    return ok();
  }
}

/** One row per number asked: `status` 0 done, 1 failed (numbers not in the group failed too). */
function outcomeRows(numbers: string[], outcomes: ParticipantOutcome[]): { number: string; status: number }[] {
  const done = new Set(outcomes.filter((each) => each.isDone).map((each) => each.number));
  return numbers.map((number) => ({ number, status: done.has(number) ? 0 : 1 }));
}

function describe(error: unknown): string {
  return error instanceof PickyError ? (error.detail ?? error.message) : (error as Error).message;
}

