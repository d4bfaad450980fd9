// The group and profile settings endpoints of the contract (create-whatsapp-group … two-step-verification)
// with the project token. Types are loose where clients differ (numbers as numbers or strings, one number
// or a list); the group service checks values and answers the contract's own codes (819–822, 833–842).
import { Type, type TProperties } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { GroupService, Project } from '../core/index.js';
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

type Handler = (project: Project, raw: Record<string, unknown>) => Promise<Record<string, unknown>>;

export function registerGroupRoutes(app: FastifyInstance, deps: GroupRouteDeps): void {
  const endpoint = (name: string, properties: TProperties, handle: Handler) =>
    registerPickyEndpoint(app, deps, {
      name,
      auth: 'project',
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
