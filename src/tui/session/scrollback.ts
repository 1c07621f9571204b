import type { Entry } from "../chat/entries.ts";

/**
 * Entries waiting to be printed into the terminal's own scrollback (ink `<Static>`). Once a batch is
 * printed the entries are dropped and the next print starts a new batch (a new `<Static>` key), so the
 * process keeps no copy of the transcript: long sessions use flat memory and never re-render old output.
 */
export interface Scrollback {
  key: number;
  items: Entry[];
}

export class ScrollbackQueue {
  private batch: Scrollback = { key: 0, items: [] };
  private printed = 0;

  current(): Scrollback {
    return this.batch;
  }

  push(entries: Entry[]): void {
    if (entries.length === 0) return;
    if (this.printed >= this.batch.items.length) {
      this.batch = { key: this.batch.key + 1, items: entries };
      this.printed = 0;
    } else {
      this.batch = { key: this.batch.key, items: [...this.batch.items, ...entries] };
    }
  }

  /** Called after ink has written the batch's first `count` items. */
  markPrinted(key: number, count: number): void {
    if (key === this.batch.key) this.printed = Math.max(this.printed, count);
  }
}
