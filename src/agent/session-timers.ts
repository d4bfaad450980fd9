// The agent's timers, kept in one place so that stop() and every disconnect can clear them all: the
// wait for `welcome`, the `status` heartbeat, and the pending reconnect.

export class SessionTimers {
  private helloTimeout: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private reconnect: NodeJS.Timeout | undefined;

  startHelloTimeout(ms: number, onTimeout: () => void): void {
    this.clearHelloTimeout();
    this.helloTimeout = setTimeout(onTimeout, ms);
  }

  clearHelloTimeout(): void {
    clearTimeout(this.helloTimeout);
    this.helloTimeout = undefined;
  }

  startHeartbeat(everyMs: number, beat: () => void): void {
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(beat, everyMs);
  }

  startReconnect(afterMs: number, reconnect: () => void): void {
    clearTimeout(this.reconnect);
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined;
      reconnect();
    }, afterMs);
  }

  /** The session ended: no heartbeat, no hello timeout (a reconnect may still be pending). */
  clearSession(): void {
    this.clearHelloTimeout();
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  clearAll(): void {
    this.clearSession();
    clearTimeout(this.reconnect);
    this.reconnect = undefined;
  }
}
