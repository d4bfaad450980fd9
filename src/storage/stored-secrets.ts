// The secret box as stores use it: attached once the key is known (after the database opened), sealing
// what they write and opening what they read, clear rows from before sealing included.
import type { SecretBox } from '../core/secret-box.js';

/** A box that can also say which values a rotation must re-seal. */
export interface ResealingBox extends SecretBox {
  readonly keyId: string;
  isSealedWithCurrentKey(value: string): boolean;
}

export class StoredSecrets {
  private box: ResealingBox | undefined;

  use(box: ResealingBox): void {
    this.box = box;
  }

  get current(): ResealingBox {
    // A programming error, not an operator's: every path that opens storage for work attaches the box.
    if (!this.box) throw new Error('storage has no secret box: useSecrets() must run before secrets are read or written');
    return this.box;
  }

  seal(plain: string): string {
    return this.current.seal(plain);
  }

  /**
   * Rows written before sealing existed hold clear text until the start-up pass seals them (or, on
   * PostgreSQL, while a node still runs the old code): those read as they are.
   */
  open(stored: string): string {
    return this.current.isSealed(stored) ? this.current.open(stored) : stored;
  }
}
