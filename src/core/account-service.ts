// The installation's single account: created on first start with its master token and opening credit.
import type { Account } from './account.js';
import type { Authenticator } from './authenticator.js';
import type { Clock } from './clock.js';
import { hashToken, newMasterToken } from './secrets.js';
import type { Storage } from './stores.js';
import type { WalletService } from './wallet-service.js';

export interface AccountSettings {
  /** The operator's chosen master token; when absent one is generated on first start. */
  masterToken: string | undefined;
  /** Micro-credits granted to a new account. */
  initialCredits: number;
}

export interface EnsuredAccount {
  account: Account;
  /** True when this call created the account. */
  isNew: boolean;
  /** The master token in clear, when this call generated it (it is shown once, then only its hash exists). */
  generatedMasterToken: string | undefined;
}

export class AccountService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly wallet: WalletService,
    private readonly authenticator: Authenticator,
  ) {}

  /**
   * Creates the account on an empty database, or brings its master token in line with the configured one
   * (so an operator rotates it by changing SWITCHBOARD_MASTER_TOKEN and restarting).
   */
  async ensure(settings: AccountSettings): Promise<EnsuredAccount> {
    const now = this.clock.now();
    const generated = settings.masterToken ? undefined : newMasterToken();
    const masterToken = settings.masterToken ?? generated!;
    const isNew = await this.storage.transaction(async (stores) => {
      const created = await stores.accounts.create(hashToken(masterToken), now);
      if (created && settings.initialCredits > 0) {
        const account = (await stores.accounts.find())!;
        await this.wallet.credit({ accountId: account.id, amount: settings.initialCredits, reason: 'opening credit', reference: 'first-start' }, stores);
      }
      return created;
    });
    let account = (await this.storage.stores.accounts.find())!;
    if (!isNew && settings.masterToken && account.masterTokenHash !== hashToken(settings.masterToken)) {
      await this.storage.stores.accounts.setMasterTokenHash(hashToken(settings.masterToken), now);
      account = (await this.storage.stores.accounts.find())!;
    }
    this.authenticator.forgetAccount();
    return { account, isNew, generatedMasterToken: isNew ? generated : undefined };
  }

  /** Replaces the master token with a new random one and answers it (shown once). */
  async rotateMasterToken(): Promise<string> {
    const token = newMasterToken();
    await this.storage.stores.accounts.setMasterTokenHash(hashToken(token), this.clock.now());
    this.authenticator.forgetAccount();
    return token;
  }

  async get(): Promise<Account | undefined> {
    return this.storage.stores.accounts.find();
  }
}
