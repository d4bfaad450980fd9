// The group and settings APIs on a connected WhatsApp Web session: each call goes to WhatsApp through
// the socket at once (nothing is queued), and WhatsApp's refusals become the contract's codes. Icons and
// profile pictures come from a URL, fetched under the push media rules (URL policy, size, time).
import { PickyError, Status, invalidRequest, inviteLinkOf, type GroupBackend, type GroupInfo, type ParticipantAction, type ParticipantOutcome, type ProfileUpdate, type StatusCode } from '../../core/index.js';
import { MediaFetchError, type MediaFetcher } from './media-fetcher.js';
import { WaServerError, type WaClient, type WaGroupMetadata } from './wa-client.js';

/** The contract's limit for a group icon or profile picture. */
export const PICTURE_MAX_BYTES = 5 * 1024 * 1024;
const PICTURE_TYPES = ['image/jpeg', 'image/png'];

/** "120363…" or "120363…@g.us" → the group JID. */
export function groupJidOf(groupId: string): string {
  return groupId.endsWith('@g.us') ? groupId : `${groupId}@g.us`;
}

const jidOf = (number: string) => `${number}@s.whatsapp.net`;
const numberOf = (jid: string) => jid.split('@')[0]!.split(':')[0]!;

function infoOf(group: WaGroupMetadata): GroupInfo {
  return {
    groupId: group.id,
    subject: group.subject,
    description: group.description,
    createdAt: group.creation * 1000,
    participants: group.participants.map((each) => ({ number: numberOf(each.jid), isAdmin: each.isAdmin })),
  };
}

export class WebGroupBackend implements GroupBackend {
  readonly label: string;

  constructor(
    private readonly client: WaClient,
    channelId: number,
    private readonly media: MediaFetcher,
  ) {
    this.label = `WhatsApp Web channel ${channelId}`;
  }

  /** WhatsApp's refusal in the contract's terms: 836 for a group it does not know, `code` otherwise. */
  private async ask<T>(what: string, code: StatusCode, call: () => Promise<T>, groupId?: string): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof WaServerError)) throw error;
      if (groupId !== undefined && (error.status === 404 || error.status === 406)) throw new PickyError(Status.invalidGroupId, `WhatsApp knows no group ${groupId} on ${this.label}`, { cause: error });
      const why = error.status === 401 || error.status === 403 ? 'the linked number is not allowed (not an admin of the group?)' : error.message;
      throw new PickyError(code, `WhatsApp refused ${what} (${error.status || 'no code'}: ${why})`, { cause: error });
    }
  }

  /** Picture bytes from a URL: the media rules (410 for a refused or failed URL), JPEG or PNG, 5 MB at most. */
  private async picture(url: string, field: string): Promise<Buffer> {
    let fetched;
    try {
      fetched = await this.media.fetch(url);
    } catch (error) {
      if (error instanceof MediaFetchError) throw invalidRequest(`${field}: ${error.message}`);
      throw error;
    }
    if (!PICTURE_TYPES.includes(fetched.mime)) throw invalidRequest(`${field}: a JPEG or PNG image is needed (the URL served ${fetched.mime})`);
    if (fetched.data.length > PICTURE_MAX_BYTES) throw invalidRequest(`${field}: larger than ${PICTURE_MAX_BYTES} bytes (${fetched.data.length})`);
    return fetched.data;
  }

  async create(subject: string, numbers: string[], iconUrl: string | undefined): Promise<GroupInfo & { iconProblem?: string }> {
    const icon = iconUrl ? await this.picture(iconUrl, 'group_icon') : undefined;
    const info = infoOf(await this.ask('the new group', Status.cannotCreateGroup, () => this.client.groupCreate(subject, numbers.map(jidOf))));
    if (!icon) return info;
    try {
      await this.ask('the icon', Status.cannotProcess, () => this.client.setPicture(info.groupId, icon), info.groupId);
      return info;
    } catch (error) {
      if (!(error instanceof PickyError)) throw error;
      return { ...info, iconProblem: error.detail ?? error.message };
    }
  }

  async details(groupId: string): Promise<GroupInfo> {
    return infoOf(await this.ask('the group details', Status.cannotProcess, () => this.client.groupMetadata(groupJidOf(groupId)), groupId));
  }

  async participants(groupId: string, numbers: string[], action: ParticipantAction): Promise<ParticipantOutcome[]> {
    const code = action === 'promote' ? Status.cannotCreateAdmin : Status.cannotProcess;
    const results = await this.ask(`to ${action} members`, code, () => this.client.groupParticipants(groupJidOf(groupId), numbers.map(jidOf), action), groupId);
    if (results.every((each) => each.jid.endsWith('@s.whatsapp.net'))) {
      const done = new Set(results.filter((each) => each.status === '200').map((each) => numberOf(each.jid)));
      return numbers.map((number) => ({ number, isDone: done.has(number) }));
    }
    // A group that addresses members by LID may answer with LIDs, which name no number: the group as it
    // is now (its metadata gives members' phone numbers) says what became of each.
    const now = new Map((await this.details(groupId)).participants.map((each) => [each.number, each.isAdmin]));
    const isDone = (number: string) => (action === 'add' ? now.has(number) : action === 'remove' ? !now.has(number) : now.get(number) === (action === 'promote'));
    return numbers.map((number) => ({ number, isDone: isDone(number) }));
  }

  setSubject(groupId: string, subject: string): Promise<void> {
    return this.ask('the subject', Status.cannotProcess, () => this.client.groupSubject(groupJidOf(groupId), subject), groupId);
  }

  setDescription(groupId: string, description: string): Promise<void> {
    return this.ask('the description', Status.cannotProcess, () => this.client.groupDescription(groupJidOf(groupId), description), groupId);
  }

  async setIcon(groupId: string, url: string): Promise<void> {
    const image = await this.picture(url, 'group_icon');
    await this.ask('the icon', Status.cannotProcess, () => this.client.setPicture(groupJidOf(groupId), image), groupId);
  }

  removeIcon(groupId: string): Promise<void> {
    return this.ask('to delete the icon', Status.cannotProcess, () => this.client.removePicture(groupJidOf(groupId)), groupId);
  }

  async inviteLink(groupId: string): Promise<string> {
    return inviteLinkOf(await this.ask('the invite link', Status.cannotProcess, () => this.client.groupInviteCode(groupJidOf(groupId)), groupId));
  }

  async revokeInvite(groupId: string): Promise<string> {
    return inviteLinkOf(await this.ask('to revoke the invite link', Status.cannotProcess, () => this.client.groupRevokeInvite(groupJidOf(groupId)), groupId));
  }

  leave(groupId: string): Promise<void> {
    return this.ask('to leave the group', Status.cannotProcess, () => this.client.groupLeave(groupJidOf(groupId)), groupId);
  }

  async updateProfile(update: ProfileUpdate): Promise<void> {
    // Refused before anything changes: WhatsApp Web has no way to set a business category.
    if (update.industry !== undefined) throw new PickyError(Status.cannotProcess, `industry cannot be set through ${this.label}; set the business category in the WhatsApp Business app`);
    const picture = update.profilePicUrl ? await this.picture(update.profilePicUrl, 'profile_pic') : undefined;
    const business = { address: update.address, description: update.description, email: update.email, websites: update.websites };
    const hasBusiness = Object.values(business).some((value) => value !== undefined);
    if (hasBusiness) {
      const fields = Object.fromEntries(Object.entries(business).filter(([, value]) => value !== undefined));
      await this.ask('the business profile (is the linked number a WhatsApp Business account?)', Status.cannotProcess, () => this.client.setBusinessProfile(fields));
    }
    if (update.about !== undefined) await this.ask('the about text', Status.cannotProcess, () => this.client.setAbout(update.about!));
    if (picture) await this.ask('the profile picture', Status.cannotProcess, () => this.client.setPicture(this.client.ownJid(), picture));
  }

  async twoStepVerification(): Promise<void> {
    throw new PickyError(Status.cannotProcess, `two-step verification cannot be set through ${this.label}: a linked device has no access to it; set it on the phone (Settings > Account > Two-step verification)`);
  }
}
