// What the gateway tells a version-2 device in one turn of the event loop, gathered into batch frames: the
// messages handed over leave as one `sends` frame and the reports committed as one `report_acks` frame
// (which may wait a few milliseconds for the next sends), instead of a frame (a JSON text, a WebSocket
// header, a write, a parse at the phone) for each.
import { MAX_BATCH_ITEMS, MAX_FRAME_BYTES, type ReportAckItem, type SendItem } from './frames.js';

/**
 * How long report acks may wait for company. They only let the device forget reports, so they need not
 * leave at once: they go with the next sends, or after this long, in fewer frames and writes.
 */
const ACK_DELAY_MS = 5;
/** Characters per batch frame: at most three bytes each in UTF-8, so the frame stays under the limit. */
const MAX_BATCH_CHARS = Math.floor(MAX_FRAME_BYTES / 3);

/** Writes `items` (each already JSON) as frames `{"type":…,"<key>":[…]}`, split by count and size. */
function writeBatches(type: string, key: string, items: string[], write: (text: string) => void): void {
  let start = 0;
  while (start < items.length) {
    let end = start;
    let chars = 0;
    // At least one item per frame, even one over the size (a single frame would be as large).
    while (end < items.length && end - start < MAX_BATCH_ITEMS && (end === start || chars + items[end]!.length < MAX_BATCH_CHARS)) {
      chars += items[end]!.length + 1;
      end += 1;
    }
    write(`{"type":"${type}","${key}":[${items.slice(start, end).join(',')}]}`);
    start = end;
  }
}

export class TurnBatch {
  private sends: string[] = [];
  private acks: string[] = [];
  private isScheduled = false;
  private ackTimer: NodeJS.Timeout | undefined;

  constructor(private readonly write: (text: string) => void) {}

  addSend(item: SendItem): void {
    this.sends.push(JSON.stringify(item));
    this.schedule();
  }

  addAck(item: ReportAckItem): void {
    this.acks.push(JSON.stringify(item));
    if (this.isScheduled || this.ackTimer) return;
    this.ackTimer = setTimeout(() => this.flush(), ACK_DELAY_MS);
    this.ackTimer.unref();
  }

  /** Writes what is waiting now: before any other frame, so that the device sees frames in their order. */
  flush(): void {
    if (this.ackTimer) {
      clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
    }
    if (this.sends.length > 0) {
      const sends = this.sends;
      this.sends = [];
      writeBatches('sends', 'messages', sends, this.write);
    }
    if (this.acks.length > 0) {
      const acks = this.acks;
      this.acks = [];
      writeBatches('report_acks', 'reports', acks, this.write);
    }
  }

  private schedule(): void {
    if (this.isScheduled) return;
    if (this.ackTimer) {
      clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
    }
    this.isScheduled = true;
    // setImmediate: everything handed over or committed in this turn (a claim's loop, a batch of
    // moves settling) joins the frame.
    setImmediate(() => {
      this.isScheduled = false;
      this.flush();
    });
  }
}
