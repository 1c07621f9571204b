/**
 * Asks put to the user one at a time: parallel tool calls and sub-agents may ask at once, and the
 * first is shown. Each is answered once (later answers are ignored); an abort answers `abortReply`.
 */
export class AskQueue<Item extends { answer(reply: Reply): void }, Reply> {
  private readonly items: Item[] = [];

  get first(): Item | undefined {
    return this.items[0];
  }

  add(
    build: (answer: (reply: Reply) => void) => Item,
    signal: AbortSignal | undefined,
    abortReply: Reply,
    settled: (reply: Reply) => void,
  ): void {
    const answer = (reply: Reply) => {
      const index = this.items.indexOf(item);
      if (index < 0) return;
      this.items.splice(index, 1);
      signal?.removeEventListener("abort", onAbort);
      settled(reply);
    };
    const onAbort = () => answer(abortReply);
    const item = build(answer);
    signal?.addEventListener("abort", onAbort, { once: true });
    this.items.push(item);
  }
}
