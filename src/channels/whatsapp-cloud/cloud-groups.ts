// The group and settings APIs on a WhatsApp Cloud API number, through Graph: Meta's Groups API (invite-only
// groups the business owns), the business profile and the two-step verification PIN. What Meta does not
// offer (adding members or admins, icons, leaving, removing the PIN) is refused with 838 before any call.
import { PickyError, Status, type GroupBackend, type GroupInfo, type OpenCredentials, type ParticipantAction, type ParticipantOutcome, type ProfileUpdate, type StatusCode } from '../../core/index.js';
import { GraphError, type GraphClient } from '../meta/graph-client.js';
import { asRecord, text } from '../meta/graph-json.js';

/** Picky's industry numbers (1–17) as Meta's business profile `vertical` values. */
export const VERTICALS = ['', 'AUTO', 'BEAUTY', 'APPAREL', 'EDU', 'ENTERTAIN', 'EVENT_PLAN', 'FINANCE', 'GROCERY', 'GOVT', 'HOTEL', 'HEALTH', 'NONPROFIT', 'PROF_SERVICES', 'RETAIL', 'TRAVEL', 'RESTAURANT', 'OTHER'] as const;

const PRODUCT = { messaging_product: 'whatsapp' } as const;

export class CloudGroupBackend implements GroupBackend {
  readonly label: string;

  constructor(
    private readonly graph: GraphClient,
    private readonly opened: OpenCredentials,
    channelId: number,
  ) {
    this.label = `WhatsApp Cloud API channel ${channelId}`;
  }

  private notOffered(what: string, instead: string): PickyError {
    return new PickyError(Status.cannotProcess, `${what}: Meta's API does not offer it for ${this.label}; ${instead}`);
  }

  /** Graph's refusal in the contract's terms: 836 for an id Graph does not know, `code` otherwise. */
  private async ask<T>(what: string, code: StatusCode, call: (token: string) => Promise<T>, groupId?: string): Promise<T> {
    try {
      return await call(this.opened.accessToken);
    } catch (error) {
      if (!(error instanceof GraphError)) throw error;
      if (groupId !== undefined && error.code === 100) throw new PickyError(Status.invalidGroupId, `Meta knows no group ${groupId} on ${this.label}: ${error.message}`, { cause: error });
      const why = error.code === 0 ? error.message : `Meta ${error.code}: ${error.details || error.message}`;
      throw new PickyError(code, `${what} failed (${why})`, { cause: error });
    }
  }

  private get phone(): string {
    return encodeURIComponent(this.opened.account.externalId);
  }

  async create(): Promise<GroupInfo> {
    throw new PickyError(
      Status.cannotCreateGroup,
      `Meta's Groups API creates a group in the background and tells its id later, by webhook, which this answer cannot carry; create groups on ${this.label} in WhatsApp Manager or a WhatsApp Web channel`,
    );
  }

  async details(groupId: string): Promise<GroupInfo> {
    const answer = await this.ask('reading the group', Status.cannotProcess, (token) => this.graph.getJson(encodeURIComponent(groupId), token, { fields: 'subject,description,participants,total_participant_count' }), groupId);
    const participants = (Array.isArray(answer.participants) ? answer.participants : []).map(asRecord).map((each) => ({ number: text(each.wa_id), isAdmin: false }));
    return { groupId, subject: text(answer.subject), description: text(answer.description), createdAt: 0, participants: participants.filter((each) => each.number) };
  }

  async participants(groupId: string, numbers: string[], action: ParticipantAction): Promise<ParticipantOutcome[]> {
    if (action === 'add') throw this.notOffered('adding members', 'send the group invite link (generate-invite-link) instead');
    if (action !== 'remove') throw new PickyError(action === 'promote' ? Status.cannotCreateAdmin : Status.cannotProcess, `${action === 'promote' ? 'making admins' : 'removing admins'}: Meta's API does not offer it for ${this.label}; the business number is the only admin of its groups`);
    await this.ask('removing members', Status.cannotProcess, (token) => this.graph.deleteJson(`${encodeURIComponent(groupId)}/participants`, token, { ...PRODUCT, participants: numbers.map((user) => ({ user })) }), groupId);
    return numbers.map((number) => ({ number, isDone: true }));
  }

  async setSubject(groupId: string, subject: string): Promise<void> {
    await this.ask('changing the subject', Status.cannotProcess, (token) => this.graph.postJson(encodeURIComponent(groupId), token, { ...PRODUCT, subject }), groupId);
  }

  async setDescription(groupId: string, description: string): Promise<void> {
    await this.ask('changing the description', Status.cannotProcess, (token) => this.graph.postJson(encodeURIComponent(groupId), token, { ...PRODUCT, description }), groupId);
  }

  async setIcon(): Promise<void> {
    throw this.notOffered('group_icon', 'set the group picture in WhatsApp');
  }

  async removeIcon(): Promise<void> {
    throw this.notOffered('deleting the group icon', 'change it in WhatsApp');
  }

  async inviteLink(groupId: string): Promise<string> {
    const answer = await this.ask('reading the invite link', Status.cannotProcess, (token) => this.graph.getJson(`${encodeURIComponent(groupId)}/invite_link`, token), groupId);
    return text(answer.invite_link);
  }

  async revokeInvite(groupId: string): Promise<string> {
    const answer = await this.ask('resetting the invite link', Status.cannotProcess, (token) => this.graph.postJson(`${encodeURIComponent(groupId)}/invite_link`, token, PRODUCT), groupId);
    return text(answer.invite_link);
  }

  async leave(): Promise<void> {
    throw this.notOffered('leaving a group', 'a Cloud API number owns its groups and cannot leave them');
  }

  async updateProfile(update: ProfileUpdate): Promise<void> {
    // Meta takes a profile picture only as a handle from its resumable upload (an app id and a second
    // upload protocol): refused before any field changes, so a request is applied whole or not at all.
    if (update.profilePicUrl !== undefined) throw this.notOffered('profile_pic', 'set the profile picture in WhatsApp Manager');
    const body = {
      ...PRODUCT,
      ...(update.about !== undefined && { about: update.about }),
      ...(update.address !== undefined && { address: update.address }),
      ...(update.description !== undefined && { description: update.description }),
      ...(update.email !== undefined && { email: update.email }),
      ...(update.industry !== undefined && { vertical: VERTICALS[update.industry] }),
      ...(update.websites !== undefined && { websites: update.websites }),
    };
    await this.ask('updating the business profile', Status.cannotProcess, (token) => this.graph.postJson(`${this.phone}/whatsapp_business_profile`, token, body));
  }

  async twoStepVerification(action: 'enable' | 'disable', pin: string): Promise<void> {
    if (action === 'disable') throw this.notOffered('removing the two-step verification PIN', 'Meta has no endpoint for it: change the PIN (action 0) or reset it in WhatsApp Manager');
    await this.ask('setting the two-step verification PIN', Status.cannotProcess, (token) => this.graph.postJson(this.phone, token, { pin }));
  }
}
