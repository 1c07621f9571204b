import type { AgentEvent } from "../../contracts/agent-events.ts";
import type { Entry } from "../chat/entries.ts";
import { reduceTurn } from "../chat/turn-reducer.ts";

/**
 * The running turn's entries: the part still changing (`live`), and what it printed since its last stored
 * message (`unstored`: a reprint shows it after the stored transcript, which does not have it yet).
 */
export class TurnEntries {
  live: Entry[] = [];
  unstored: Entry[] = [];

  /** Applies an agent event; returns the entries that settled (ready to print). */
  apply(event: AgentEvent): Entry[] {
    const { live, settled } = reduceTurn(this.live, event);
    this.live = live;
    if (event.type === "message") this.unstored = [];
    this.unstored.push(...settled);
    return settled;
  }

  /** The turn ended: what was still live, closed, to print; nothing is left over. */
  finish(): Entry[] {
    const rest = this.live.map((e) => ("open" in e ? { ...e, open: false } : e));
    this.live = [];
    this.unstored = [];
    return rest;
  }
}
