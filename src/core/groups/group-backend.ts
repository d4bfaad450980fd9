// What a channel must do for the group and settings APIs, in plain shapes: the WhatsApp Web session
// and the Cloud API each implement it (or refuse an operation with a documented code).
import type { Project } from '../project.js';

/** A group member; `number` is digits with country code. */
export interface GroupParticipant {
  number: string;
  isAdmin: boolean;
}

export interface GroupInfo {
  /** The group's id as the channel names it (WhatsApp Web: `…@g.us`). */
  groupId: string;
  subject: string;
  description: string;
  /** Epoch ms; 0 when the channel does not say. */
  createdAt: number;
  participants: GroupParticipant[];
}

/** What happened to one number of a participants change. */
export interface ParticipantOutcome {
  number: string;
  isDone: boolean;
}

export type ParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

export interface ProfileUpdate {
  about?: string | undefined;
  address?: string | undefined;
  description?: string | undefined;
  email?: string | undefined;
  /** Picky's industry number, 1–17. */
  industry?: number | undefined;
  websites?: string[] | undefined;
  /** A public image URL, fetched under the media rules. */
  profilePicUrl?: string | undefined;
}

/**
 * One channel's group and settings operations. Implementations throw PickyError with the contract's
 * codes (836 unknown group, 838 an operation the channel cannot do, …); anything else is a fault.
 */
export interface GroupBackend {
  /** For `detail` texts: "WhatsApp Web channel 12". */
  readonly label: string;
  /**
   * Creates the group; `iconUrl`'s image is fetched first (a refused URL creates nothing) and set once
   * the group exists; a failure to set it is answered in `iconProblem`, not thrown: the group exists.
   */
  create(subject: string, numbers: string[], iconUrl: string | undefined): Promise<GroupInfo & { iconProblem?: string }>;
  details(groupId: string): Promise<GroupInfo>;
  participants(groupId: string, numbers: string[], action: ParticipantAction): Promise<ParticipantOutcome[]>;
  setSubject(groupId: string, subject: string): Promise<void>;
  setDescription(groupId: string, description: string): Promise<void>;
  setIcon(groupId: string, url: string): Promise<void>;
  removeIcon(groupId: string): Promise<void>;
  inviteLink(groupId: string): Promise<string>;
  revokeInvite(groupId: string): Promise<string>;
  leave(groupId: string): Promise<void>;
  updateProfile(update: ProfileUpdate): Promise<void>;
  twoStepVerification(action: 'enable' | 'disable', pin: string): Promise<void>;
}

/** Finds the backend an `application` (a channel kind or a channel id) names; throws 404/801 without one. */
export interface GroupBackends {
  forGroups(project: Project, application: number | undefined): Promise<{ channelId: number; backend: GroupBackend }>;
  forSettings(project: Project, application: number | undefined): Promise<{ channelId: number; backend: GroupBackend }>;
}

/** `https://chat.whatsapp.com/<code>`: how WhatsApp shares an invite code. */
export function inviteLinkOf(code: string): string {
  return code ? `https://chat.whatsapp.com/${code}` : '';
}
