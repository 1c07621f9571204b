import type { ControlPlane } from "./control-plane.ts";
import { workerServes } from "./matching.ts";
import type { TaskOffer, WorkerRecord } from "./types.ts";

/**
 * The offers one worker's task stream sends: pending tasks it serves whose latest offer is past its
 * cursor, read from the store each time offers may have been made (here or on another replica). One
 * read at a time; a wake-up during a read reads again after it, so none is missed.
 */
export class OfferStream {
  #reading = false;
  #again = false;
  #stopped = false;

  constructor(
    private readonly plane: ControlPlane,
    private readonly worker: WorkerRecord,
    private cursor: number,
    private readonly send: (offer: TaskOffer) => void,
  ) {}

  look(): void {
    if (this.#stopped) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    void this.#read().finally(() => {
      this.#reading = false;
      if (this.#again) {
        this.#again = false;
        this.look();
      }
    });
  }

  stop(): void {
    this.#stopped = true;
  }

  async #read(): Promise<void> {
    // A failed read (database briefly away) is retried at the next wake-up or poll.
    const offers = await this.plane.store.pendingOffers(this.cursor).catch(() => []);
    for (const offer of offers) {
      if (this.#stopped) return;
      if (offer.seq <= this.cursor || !workerServes(this.worker, offer.task)) continue;
      this.cursor = offer.seq;
      this.send(offer);
    }
  }
}
