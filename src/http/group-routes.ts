// The group and profile settings endpoints of the contract (create-whatsapp-group … two-step-verification)
// with the project token. Types are loose where clients differ (numbers as numbers or strings, one number
// or a list); the group service checks values and answers the contract's own codes (819–822, 833–842).
import { Type, type TProperties } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Status, type GroupService, type Project } from '../core/index.js';
import type { EndpointDoc } from './endpoint-doc.js';
import { SmallIntegerField, registerPickyEndpoint, type EndpointDeps } from './picky-endpoint.js';

export interface GroupRouteDeps extends EndpointDeps {
  groups: GroupService;
}

const Loose = (description: string, maxLength = 256) => Type.Optional(Type.Union([Type.String({ maxLength }), Type.Number()], { description }));
const NumberField = Type.Optional(
  Type.Union([Type.String({ maxLength: 8192 }), Type.Number(), Type.Array(Type.Union([Type.String({ maxLength: 32 }), Type.Number()]), { maxItems: 256 })], {
    description: 'WhatsApp number(s) with country code: one, a comma-separated list, or an array',
  }),
);
const DataField = Type.Optional(Type.Array(Type.Object({ number: Type.Union([Type.String({ maxLength: 32 }), Type.Number()]) }), { maxItems: 256, description: 'alternative to `number`: [{number}]' }));

const Base = {
  token: Type.String(),
  application: Type.Optional({ ...SmallIntegerField, description: '10 (WhatsApp Web, the default for groups), 8/101/121 (Cloud API), or a channel id' }),
};
const GroupId = { group_id: Loose('the group id that create-whatsapp-group answered', 256) };

const S = Status;
/** Statuses every group endpoint can answer besides the common ones: no connected session (404), a plan without WhatsApp Web (405), the group id (836). */
const GROUP = [S.noChannel, S.notInPlan, S.invalidGroupId] as const;
const GROUP_ID_EXAMPLE = '120363025246125486@g.us';
/** What /openapi.json says of each endpoint; see docs/groups-and-settings.md for the whole of it. */
const DOCS: Record<string, EndpointDoc> = {
  'create-whatsapp-group': {
    tag: 'Groups',
    summary: 'Create a WhatsApp group with members (and an icon from a URL) through a WhatsApp Web session',
    description: 'Acts at once (nothing is queued). The Cloud API answers 835: Meta creates groups in the background. Counted by the group change limits (429).',
    codes: [S.noChannel, S.notInPlan, S.groupSubjectEmpty, S.groupSubjectTooLong, S.cannotCreateGroup, S.invalidWhatsAppNumber],
    example: { request: { token: 'PROJECT_TOKEN', application: 10, group_subject: 'Team', number: ['15550000001', '15550000002'] }, response: { status: 100, message: 'Success', group_id: GROUP_ID_EXAMPLE, group_subject: 'Team', group_invite_link: 'https://chat.whatsapp.com/Ez1b', group_admins: [{ number: '15557654321', created_time: '' }], group_members: [{ number: '15550000001', created_time: '' }], group_created_date: '15-01-2026 10:00 AM' } },
  },
  'add-group-admin': { tag: 'Groups', summary: 'Make members of a group admins', codes: [...GROUP, S.cannotCreateAdmin, S.invalidWhatsAppNumber, S.notInGroup] },
  'add-group-members': { tag: 'Groups', summary: 'Add members to a group (one row per number in `data`: status 0 added, 1 failed)', codes: [...GROUP, S.cannotProcess, S.invalidWhatsAppNumber] },
  'group-details': { tag: 'Groups', summary: 'A group: subject, invite link, admins, members, creation date', codes: [...GROUP, S.cannotProcess] },
  'update-group-info': { tag: 'Groups', summary: "Change a group's subject, description or icon", codes: [...GROUP, S.groupSubjectEmpty, S.groupSubjectTooLong, S.cannotProcess] },
  'remove-group-members': { tag: 'Groups', summary: 'Remove members (type 0) or admin rights (type 1)', codes: [...GROUP, S.invalidType, S.invalidWhatsAppNumber, S.notInGroup, S.cannotProcess] },
  'generate-invite-link': { tag: 'Groups', summary: "A group's invite link", codes: [...GROUP, S.cannotProcess] },
  'delete-group-action': { tag: 'Groups', summary: 'Delete the icon (1), revoke the invite link (2) or leave the group (3)', codes: [...GROUP, S.cannotProcess, S.invalidAction] },
  'update-profile': {
    tag: 'Settings',
    summary: "Update the number's profile: about, address, description, email, industry, websites, picture",
    codes: [S.noChannel, S.notInPlan, S.officialNotActive, S.aboutTooLong, S.addressTooLong, S.descriptionTooLong, S.emailTooLong, S.cannotProcess],
    example: { request: { token: 'PROJECT_TOKEN', about: 'about me', address: 'test address', email: 'support@example.com', industry: 13, websites: ['https://example.com'] }, response: { status: 100, message: 'Success' } },
  },
  'two-step-verification': { tag: 'Settings', summary: 'Set (action 0, with a 6-digit pin) or remove (1) the two-step verification PIN of a Cloud API number', codes: [S.noChannel, S.notInPlan, S.officialNotActive, S.cannotProcess, S.invalidAction] },
};

type Handler = (project: Project, raw: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function registerGroupRoutes(app: FastifyInstance, deps: GroupRouteDeps): void {
  const endpoint = (name: string, properties: TProperties, handle: Handler) =>
    registerPickyEndpoint(app, deps, {
      name,
      auth: 'project',
      doc: DOCS[name]!,
      schema: Type.Object({ ...Base, ...properties }),
      handle: (input, { project }) => handle(project, input as Record<string, unknown>),
    });
  const { groups } = deps;
  endpoint('create-whatsapp-group', { group_subject: Loose('at most 25 characters'), number: NumberField, data: DataField, group_icon: Loose('image URL (JPEG/PNG, 5 MB)', 2048) }, (project, raw) => groups.create(project, raw));
  endpoint('add-group-admin', { ...GroupId, number: NumberField, data: DataField }, (project, raw) => groups.addAdmins(project, raw));
  endpoint('add-group-members', { ...GroupId, number: NumberField, data: DataField }, (project, raw) => groups.addMembers(project, raw));
  endpoint('group-details', GroupId, (project, raw) => groups.details(project, raw));
  endpoint(
    'update-group-info',
    { ...GroupId, group_subject: Loose('at most 25 characters'), group_description: Loose('ours: at most 2048 characters', 8192), group_icon: Loose('image URL (JPEG/PNG, 5 MB)', 2048) },
    (project, raw) => groups.updateInfo(project, raw),
  );
  endpoint('remove-group-members', { ...GroupId, type: Loose('0 members, 1 admins', 16), number: NumberField, data: DataField }, (project, raw) => groups.removeMembers(project, raw));
  endpoint('generate-invite-link', GroupId, (project, raw) => groups.inviteLink(project, raw));
  endpoint('delete-group-action', { ...GroupId, action: Loose('1 delete icon, 2 delete (revoke) invite link, 3 leave group', 16) }, (project, raw) => groups.deleteAction(project, raw));
  endpoint(
    'update-profile',
    {
      about: Type.Optional(Type.String({ maxLength: 4096, description: 'at most 139 characters' })),
      address: Type.Optional(Type.String({ maxLength: 4096, description: 'at most 256 characters' })),
      description: Type.Optional(Type.String({ maxLength: 4096, description: 'at most 256 characters' })),
      email: Type.Optional(Type.String({ maxLength: 4096, description: 'at most 250 characters' })),
      industry: Loose('1-17', 16),
      websites: Type.Optional(Type.Union([Type.String({ maxLength: 2048 }), Type.Array(Type.String({ maxLength: 2048 }), { maxItems: 16 })], { description: 'at most 2 URLs' })),
      profile_pic: Loose('image URL (JPEG/PNG, 5 MB)', 2048),
    },
    (project, raw) => groups.updateProfile(project, raw),
  );
  endpoint('two-step-verification', { action: Loose('0 enable, 1 disable', 16), pin: Loose('6 digits (send it as a string to keep leading zeros)', 16) }, (project, raw) => groups.twoStepVerification(project, raw));
}
