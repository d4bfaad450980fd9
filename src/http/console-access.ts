// Who calls a `/console/api/` endpoint: the account behind a valid session cookie (and, for requests
// that change state, its CSRF header), or one of its projects named by `project_id`.
import type { FastifyRequest } from 'fastify';
import { invalidRequest, type Account, type ApiToken, type Project, type ProjectCaller } from '../core/index.js';
import { CSRF_HEADER, type ConsoleSessions } from './console-session.js';
import type { PickyInput } from './picky-input.js';

export interface ConsoleAccess {
  sessions: ConsoleSessions;
  /** A project of the account (410 when it is not one). */
  project(accountId: number, projectId: number): Promise<Project>;
}

/**
 * Project endpoints reached from the console act for the operator, not for an API token: this stands in
 * for the token (id 0 is never a stored row), so handlers that log or compare tokens see no real one.
 */
function consoleToken(project: Project): ApiToken {
  return { id: 0, projectId: project.id, tokenHash: '', hint: 'console', ipAllowList: [], status: 'active', createdAt: 0, updatedAt: 0 };
}

export async function consoleCaller(access: ConsoleAccess, kind: 'master' | 'project', raw: PickyInput, request: FastifyRequest): Promise<Account | ProjectCaller> {
  // Every console API call is a POST: each one must prove it comes from the console's own page.
  const { account } = await access.sessions.verify(request.headers.cookie, { header: request.headers[CSRF_HEADER] });
  // The shared schemas ask for the `token` every Picky call carries; here the cookie is the proof.
  raw.token = '';
  if (kind === 'master') return account;
  const projectId = Number(raw.project_id);
  if (!Number.isSafeInteger(projectId) || projectId < 1) throw invalidRequest('project_id: Expected integer');
  const project = await access.project(account.id, projectId);
  return { account, project, token: consoleToken(project) };
}
