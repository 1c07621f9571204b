/** After this many identical consecutive calls the call is refused with a hint; at twice this the run stops. */
export const DOOM_LOOP_THRESHOLD = 3;

/** Notices the model making the same tool call over and over. */
export class DoomLoopGuard {
  private last = "";
  private repeats = 0;

  /** Records a call; returns how many times in a row this exact call has now been made. */
  record(tool: string, input: unknown): number {
    const signature = `${tool}\u0000${JSON.stringify(input)}`;
    this.repeats = signature === this.last ? this.repeats + 1 : 1;
    this.last = signature;
    return this.repeats;
  }
}
