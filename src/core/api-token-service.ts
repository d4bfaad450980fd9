// API tokens of a project: created random and shown once, stored as a hash, disabled, enabled, deleted.
import type { Clock } from './clock.js';
import { allowListEntryProblem } from './ip-allow-list.js';
import type { ApiToken, ApiTokenStatus } from './project.js';
import { PROJECT_LIMITS } from './project-rules.js';
import { hashToken, newApiToken, tokenHint } from './secrets.js';
import { invalidRequest } from './status-codes.js';
import type { Authenticator } from './authenticator.js';
import type { Storage, Stores } from './stores.js';

/** A token as the PM API shows it at creation: the only time its secret is ever visible. */
export interface IssuedToken {
  ip: string;
  token: string;
  record: ApiToken;
}

/** Actions of `pm/manage-api-token`. */
export const TOKEN_ACTIONS: Record<number, ApiTokenStatus> = { 1: 'disabled', 2: 'active', 3: 'deleted' };

export function checkAllowList(entries: readonly string[], field: string): string[] {
  if (entries.length > PROJECT_LIMITS.ipAddresses) throw invalidRequest(`${field} lists more than ${PROJECT_LIMITS.ipAddresses} addresses`);
  const trimmed = entries.map((entry) => entry.trim());
  const problems = trimmed.map(allowListEntryProblem).filter((problem) => problem !== undefined);
  if (problems.length > 0) throw invalidRequest(`${field} ${problems.join('; ')}`);
  return trimmed;
}

export class ApiTokenService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly authenticator: Authenticator,
  ) {}

  /** One token allowed from every address in `allowList` (all addresses when empty). */
  async issue(projectId: number, allowList: readonly string[], stores: Stores = this.storage.stores): Promise<IssuedToken> {
    const token = newApiToken();
    const record = await stores.apiTokens.create(
      { projectId, tokenHash: hashToken(token), hint: tokenHint(token), ipAllowList: [...allowList], status: 'active' },
      this.clock.now(),
    );
    this.authenticator.forgetToken(record.tokenHash);
    return { ip: allowList.join(','), token, record };
  }

  /**
   * Picky's shape: one token per listed IP address, each bound to that address, or one token usable
   * from anywhere when no address is listed.
   */
  async issuePerAddress(projectId: number, addresses: readonly string[], stores: Stores = this.storage.stores): Promise<IssuedToken[]> {
    if (addresses.length === 0) return [await this.issue(projectId, [], stores)];
    const issued: IssuedToken[] = [];
    for (const address of addresses) issued.push(await this.issue(projectId, [address], stores));
    return issued;
  }

  list(projectId: number): Promise<ApiToken[]> {
    return this.storage.stores.apiTokens.listByProject(projectId);
  }

  /** Finds a project's token by its secret; throws 410 when the project has no such token. */
  async findInProject(projectId: number, token: string): Promise<ApiToken> {
    const found = await this.storage.stores.apiTokens.findByHash(hashToken(token));
    if (!found || found.projectId !== projectId || found.status === 'deleted') {
      throw invalidRequest(`api_token is not a token of project ${projectId}`);
    }
    return found;
  }

  async findById(id: number): Promise<ApiToken> {
    const found = await this.storage.stores.apiTokens.findById(id);
    if (!found || found.status === 'deleted') throw invalidRequest(`token ${id} does not exist`);
    return found;
  }

  /** Disables, enables or deletes a token; deleting is final. */
  async setStatus(token: ApiToken, status: ApiTokenStatus): Promise<void> {
    if (token.status === 'deleted') throw invalidRequest('the token is deleted');
    await this.storage.stores.apiTokens.setStatus(token.id, status, this.clock.now());
    this.authenticator.forgetToken(token.tokenHash);
  }
}
