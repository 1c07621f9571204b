import { elapsedOf, SwarmBoard, type BoardRow } from "../../swarm/board.ts";
import { planLine, swarmEventLines } from "../../swarm/progress-lines.ts";
import type { SwarmEvent } from "../../swarm/types.ts";
import { painter, type Style } from "../output.ts";

const STATE_STYLE: Partial<Record<BoardRow["state"], Style>> = {
  running: "cyan",
  completed: "green",
  awaiting_merge: "yellow",
  conflict: "red",
  failed: "red",
};

/** Redraws at most this often on a TTY (every tool call of 100 sub-agents would flicker). */
const FRAME_MS = 100;

/**
 * A swarm's progress on stderr. On a TTY: one line per sub-agent (state, step, last tool, elapsed,
 * tokens), redrawn in place. Otherwise: a plain line per change worth logging.
 */
export class SwarmProgressView {
  private readonly board = new SwarmBoard();
  private readonly tty: boolean;
  private readonly paint: ReturnType<typeof painter>;
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {
    this.tty = Boolean(stream.isTTY) && process.env.TERM !== "dumb";
    this.paint = painter(stream);
  }

  handle(event: SwarmEvent): void {
    const before = "subtask_id" in event ? this.board.row(event.subtask_id) : undefined;
    this.board.handle(event);
    if (this.tty) {
      if (event.type === "started") this.line(planLine(event));
      return event.type === "completed" ? this.close() : this.schedule();
    }
    for (const line of swarmEventLines(event, before, this.board)) this.stream.write(`${line}\n`);
  }

  /** Stops redrawing (the final frame stays on screen). */
  close(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.tty) this.draw();
  }

  private line(text: string): void {
    this.clear();
    this.stream.write(`${text}\n`);
    this.draw();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.draw();
      // Elapsed times tick while anything runs.
      if (this.board.snapshot().rows.some((r) => r.state === "running")) this.schedule();
    }, FRAME_MS);
    this.timer.unref();
  }

  private clear(): void {
    if (this.drawn > 0) this.stream.write(`\u001b[${this.drawn}A\u001b[0J`);
    this.drawn = 0;
  }

  private draw(): void {
    this.clear();
    const width = Math.max(40, this.stream.columns || 100);
    const lines = this.board.snapshot().rows.map((row) => {
      const state = row.state.padEnd(14);
      const text = `${row.id.padEnd(6)} ${row.name.slice(0, 24).padEnd(24)} ${state} step ${String(row.step).padStart(3)}  ${seconds(elapsedOf(row)).padStart(7)}  ${tokens(row.tokens).padStart(6)} tok  ${row.note || row.tool}`;
      const style = STATE_STYLE[row.state];
      const cut = text.slice(0, width - 1);
      return style ? cut.replace(state, this.paint(style, state)) : cut;
    });
    this.stream.write(lines.map((l) => `${l}\n`).join(""));
    this.drawn = lines.length;
  }
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function tokens(n: number): string {
  return n >= 1000 ? `${(n / 1000).toFixed(1)}k` : String(n);
}
