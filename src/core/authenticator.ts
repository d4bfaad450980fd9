// Turns the `token` of a request into its caller: a project (API token) or the account (master token).
// It sits on the hot path of every request, so lookups are cached for a short time-to-live; changes
// made on this node drop their entries at once, other nodes see them within the TTL. The cache is keyed
// by the token as sent (hashing it costs more than the rest of the lookup); the database holds only hashes.
import { timingSafeEqual } from 'node:crypto';
import type { Account } from './account.js';
import type { Clock } from './clock.js';
import { IpAllowList } from './ip-allow-list.js';
import type { ApiToken, Project } from './project.js';
import { hashToken } from './secrets.js';
import { PickyError, Status } from './status-codes.js';
import type { Storage, Stores } from './stores.js';
import { TtlCache } from './ttl-cache.js';

export interface ProjectCaller {
  account: Account;
  project: Project;
  token: ApiToken;
}

const MAX_TOKEN_LENGTH = 256;

function authenticationFailed(detail: string): PickyError {
  return new PickyError(Status.authenticationFailed, detail);
}

export class Authenticator {
  private readonly tokens: TtlCache<string, { token: ApiToken; allowList: IpAllowList } | null>;
  /** Cache keys (tokens as sent) by token hash, so a change known by hash can drop its entry. */
  private readonly keysByHash = new Map<string, string>();
  private readonly projects: TtlCache<number, Project | null>;
  private readonly accounts: TtlCache<'account', Account | null>;

  constructor(
    private readonly storage: Storage,
    clock: Clock,
    ttlMs: number,
  ) {
    this.tokens = new TtlCache(clock, ttlMs);
    this.projects = new TtlCache(clock, ttlMs);
    this.accounts = new TtlCache(clock, ttlMs, 1);
  }

  /** The project behind an API token used from `ip`; throws 401, 408 or 409 as the contract says. */
  async project(token: unknown, ip: string): Promise<ProjectCaller> {
    if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH) {
      throw authenticationFailed('token is missing');
    }
    const found = this.tokens.get(token) ?? (await this.lookupToken(token));
    if (!found) throw authenticationFailed('unknown token');
    if (found.token.status !== 'active') throw authenticationFailed(`token is ${found.token.status}`);
    if (!found.allowList.allows(ip)) throw authenticationFailed(`token is not allowed from ${ip}`);
    const account = await this.lookupAccount();
    if (!account) throw authenticationFailed('no account');
    if (account.isDisabled) throw new PickyError(Status.invalidUser, 'account is disabled');
    const project = await this.lookupProject(found.token.projectId);
    if (!project) throw authenticationFailed('unknown project');
    if (project.status !== 'Active') throw new PickyError(Status.projectNotActive, `project is ${project.status}`);
    return { account, project, token: found.token };
  }

  /** The account, when `token` is its master token; throws 401 or 409. */
  async master(token: unknown): Promise<Account> {
    if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH) {
      throw authenticationFailed('token is missing');
    }
    const account = await this.lookupAccount();
    const given = Buffer.from(hashToken(token), 'hex');
    if (!account || !timingSafeEqual(given, Buffer.from(account.masterTokenHash, 'hex'))) {
      throw authenticationFailed('not the master token');
    }
    if (account.isDisabled) throw new PickyError(Status.invalidUser, 'account is disabled');
    return account;
  }

  /** The account, for callers that proved who they are another way (a console session). */
  async account(): Promise<Account | undefined> {
    return (await this.lookupAccount()) ?? undefined;
  }

  forgetToken(tokenHash: string): void {
    const key = this.keysByHash.get(tokenHash);
    if (key !== undefined) this.tokens.delete(key);
    this.keysByHash.delete(tokenHash);
  }

  forgetProject(projectId: number): void {
    this.projects.delete(projectId);
  }

  forgetAccount(): void {
    this.accounts.delete('account');
  }

  private async lookupToken(plain: string): Promise<{ token: ApiToken; allowList: IpAllowList } | null> {
    const tokenHash = hashToken(plain);
    const token = await this.storage.stores.apiTokens.findByHash(tokenHash);
    const entry = token ? { token, allowList: new IpAllowList(token.ipAllowList) } : null;
    this.tokens.set(plain, entry);
    // Only tokens that exist are indexed: unknown ones simply expire, and cannot grow this map.
    if (token) {
      if (this.keysByHash.size >= 10_000) this.keysByHash.delete(this.keysByHash.keys().next().value!);
      this.keysByHash.set(tokenHash, plain);
    }
    return entry;
  }

  /**
   * A project, from the cache: local changes show at once (forgetProject), other nodes' within the TTL.
   * Inside a transaction pass its stores: on SQLite the one connection is the transaction's until it ends.
   */
  async findProject(projectId: number, stores?: Stores): Promise<Project | undefined> {
    return (await this.lookupProject(projectId, stores)) ?? undefined;
  }

  private async lookupProject(projectId: number, stores: Stores = this.storage.stores): Promise<Project | null> {
    const cached = this.projects.get(projectId);
    if (cached !== undefined) return cached;
    const project = (await stores.projects.findById(projectId)) ?? null;
    this.projects.set(projectId, project);
    return project;
  }

  private async lookupAccount(): Promise<Account | null> {
    const cached = this.accounts.get('account');
    if (cached !== undefined) return cached;
    const account = (await this.storage.stores.accounts.find()) ?? null;
    this.accounts.set('account', account);
    return account;
  }
}
