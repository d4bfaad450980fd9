// Conferences through the modem's voice calls (3GPP TS 27.007 §7.13 and §7.18): each member is dialed
// with ATD in turn, the calls already up are held (AT+CHLD=2) while the next rings, and joined into one
// multiparty call (AT+CHLD=3) once it answers. A modem without AT+CHLD=3 places one-to-one calls: the
// first member only, the others are reported cancelled with the reason. Progress is read with AT+CLCC.
import type { CallProgress, DriverHost, OutgoingConference } from '../driver.js';
import { AtCommandError, type AtChannel } from './at-channel.js';
import type { ModemFeatures } from './modem-session.js';

export interface ModemCallsOptions {
  commandTimeoutMs: number;
  /** Time between two AT+CLCC polls (default 1 000 ms). */
  pollMs: number;
  /** A member still ringing after this is hung up and reported `no answer`. */
  ringTimeoutMs: number;
  now: () => number;
}

/** One line of AT+CLCC: <id>,<dir>,<stat>,<mode>,<mpty>,"<number>"… (stat 0 active, 1 held, 2 dialing, 3 alerting). */
interface ListedCall {
  id: number;
  stat: number;
  number: string;
}

function listed(lines: string[]): ListedCall[] {
  return lines.flatMap((line) => {
    const match = /^\+CLCC:\s*(\d+)\s*,\s*\d+\s*,\s*(\d+)\s*,\s*\d+\s*,\s*\d+\s*(?:,\s*"([^"]*)")?/.exec(line);
    return match ? [{ id: Number(match[1]), stat: Number(match[2]), number: (match[3] ?? '').replace(/^\+/, '') }] : [];
  });
}

interface Member {
  callId: string;
  number: string;
  answeredAt?: number;
  isOver: boolean;
}

export class ModemCalls {
  private failedPolls = 0;

  constructor(
    private readonly host: DriverHost,
    private readonly options: ModemCallsOptions,
  ) {}

  /** Places the conference on `at`; resolves when every member's call has ended. */
  async place(at: AtChannel, features: ModemFeatures, conference: OutgoingConference): Promise<void> {
    const unsupported = [conference.isGatewayMuted && 'mute_gateway', conference.isRecorded && 'record'].filter(Boolean);
    const note = unsupported.length > 0 ? `${unsupported.join(' and ')} not supported by this device` : undefined;
    const report = (member: Member, status: CallProgress, duration?: number, reason?: string) => {
      if (status === 'completed' || status === 'cancelled') member.isOver = true;
      this.host.callStatus(conference, member.callId, status, duration, reason ?? note);
    };
    const members: Member[] = conference.members.map((member) => ({ ...member, isOver: false }));
    // AT+CHLD=2 with no active call would take a held one back: only an active call is put on hold.
    let hasActiveCall = false;
    try {
      for (const [i, member] of members.entries()) {
        const hasCallUp = members.some((other) => other.answeredAt !== undefined && !other.isOver);
        if (i > 0 && !features.supportsConference) {
          report(member, 'cancelled', 0, 'this modem cannot join calls (no AT+CHLD=3): one-to-one call with the first member only');
          continue;
        }
        if (hasActiveCall) await at.run('AT+CHLD=2', this.options.commandTimeoutMs);
        hasActiveCall = false;
        await this.dial(at, member, report);
        if (member.answeredAt === undefined) continue;
        if (hasCallUp) await at.run('AT+CHLD=3', this.options.commandTimeoutMs);
        hasActiveCall = true;
      }
      await this.untilAllEnded(at, members, report);
    } catch (error) {
      // The modem went away or refused a hold/join: every call still open is over for us.
      const reason = error instanceof AtCommandError ? `modem: ${error.message}` : String(error);
      for (const member of members.filter((each) => !each.isOver)) {
        if (member.answeredAt !== undefined) report(member, 'completed', this.seconds(member));
        else report(member, 'cancelled', 0, reason);
      }
      if (!(error instanceof AtCommandError && error.result === 'closed')) await at.run('ATH', this.options.commandTimeoutMs).catch(() => undefined);
    }
  }

  private async dial(at: AtChannel, member: Member, report: (member: Member, status: CallProgress, duration?: number, reason?: string) => void): Promise<void> {
    try {
      await at.run(`ATD${member.number};`, this.options.commandTimeoutMs);
    } catch (error) {
      if (!(error instanceof AtCommandError) || error.result === 'closed' || error.result === 'timeout') throw error;
      return report(member, 'cancelled', 0, error.result === 'BUSY' ? 'busy' : error.result === 'NO ANSWER' ? 'no answer' : error.message);
    }
    const startedAt = this.options.now();
    for (;;) {
      await this.pause();
      const calls = await this.list(at);
      if (!calls) continue;
      const call = calls.find((each) => sameNumber(each.number, member.number) && each.stat !== 1);
      if (!call) return report(member, 'cancelled', 0, 'no answer');
      if (call.stat === 0) {
        member.answeredAt = this.options.now();
        return report(member, 'in_progress');
      }
      if (this.options.now() - startedAt >= this.options.ringTimeoutMs) {
        await at.run(`AT+CHLD=1${call.id}`, this.options.commandTimeoutMs).catch(() => undefined);
        return report(member, 'cancelled', 0, 'no answer');
      }
    }
  }

  private async untilAllEnded(at: AtChannel, members: Member[], report: (member: Member, status: CallProgress, duration?: number) => void): Promise<void> {
    while (members.some((member) => !member.isOver)) {
      const calls = await this.list(at);
      for (const member of calls ? members.filter((each) => !each.isOver) : []) {
        if (!calls!.some((call) => sameNumber(call.number, member.number))) report(member, 'completed', this.seconds(member));
      }
      if (members.some((member) => !member.isOver)) await this.pause();
    }
  }

  /** The calls AT+CLCC lists; undefined when the modem answered ERROR this time (ten in a row end the conference). */
  private async list(at: AtChannel): Promise<ListedCall[] | undefined> {
    try {
      const calls = listed(await at.run('AT+CLCC', this.options.commandTimeoutMs));
      this.failedPolls = 0;
      return calls;
    } catch (error) {
      if (!(error instanceof AtCommandError) || error.result !== 'ERROR' || ++this.failedPolls >= 10) throw error;
      return undefined;
    }
  }

  private seconds(member: Member): number {
    return member.answeredAt === undefined ? 0 : Math.max(0, Math.round((this.options.now() - member.answeredAt) / 1000));
  }

  private pause(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
  }
}

/** +CLCC shows numbers as the network gives them: compare their last digits, not their prefixes. */
function sameNumber(a: string, b: string): boolean {
  const digitsA = a.replace(/\D/g, '');
  const digitsB = b.replace(/\D/g, '');
  const tail = Math.min(digitsA.length, digitsB.length, 9);
  return tail > 0 && digitsA.slice(-tail) === digitsB.slice(-tail);
}
