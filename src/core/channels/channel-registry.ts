// Which Channel implementation serves each application number in this process. Channels register
// themselves at wiring time (app/); tests register their own.
import type { Application } from '../applications.js';
import type { Channel } from './channel.js';

export class ChannelRegistry {
  private readonly byKind = new Map<Application, Channel>();

  register(channel: Channel): void {
    for (const kind of channel.kinds) {
      const existing = this.byKind.get(kind);
      if (existing && existing !== channel) throw new Error(`application ${kind} is already served by channel ${existing.name}`);
      this.byKind.set(kind, channel);
    }
  }

  forKind(kind: Application): Channel | undefined {
    return this.byKind.get(kind);
  }

  kinds(): Application[] {
    return [...this.byKind.keys()];
  }
}
