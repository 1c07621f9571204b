import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

const MAX_ENTRIES = 500;

/**
 * Prompts sent before, newest last, persisted as JSON lines so ↑ recalls them across restarts.
 * The file is trimmed to the newest entries when it grows past twice the limit.
 */
export class PromptHistory {
  private entries: string[];

  constructor(private readonly path: string) {
    this.entries = readEntries(path);
  }

  list(): readonly string[] {
    return this.entries;
  }

  add(prompt: string): void {
    if (!prompt.trim() || this.entries.at(-1) === prompt) return;
    this.entries.push(prompt);
    try {
      mkdirSync(dirname(this.path), { recursive: true });
      if (this.entries.length > MAX_ENTRIES * 2) {
        this.entries = this.entries.slice(-MAX_ENTRIES);
        writeFileSync(this.path, this.entries.map((e) => JSON.stringify(e)).join("\n") + "\n", { mode: 0o600 });
      } else {
        appendFileSync(this.path, `${JSON.stringify(prompt)}\n`, { mode: 0o600 });
      }
    } catch {
      // History is a convenience: a read-only data directory must not break the session.
    }
  }
}

function readEntries(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  return text.split("\n").flatMap((line) => {
    try {
      const value: unknown = JSON.parse(line);
      return typeof value === "string" ? [value] : [];
    } catch {
      return [];
    }
  });
}

/** Walks the history with ↑/↓, remembering the draft that was being typed before the walk began. */
export class HistoryCursor {
  private index: number | undefined;
  private draft = "";

  constructor(private readonly history: () => readonly string[]) {}

  /** The entry one step older (-1) or newer (1), or undefined when there is none in that direction. */
  step(direction: -1 | 1, current: string): string | undefined {
    const entries = this.history();
    if (this.index === undefined) {
      if (direction > 0 || entries.length === 0) return undefined;
      this.draft = current;
      this.index = entries.length - 1;
      return entries[this.index];
    }
    const next = this.index + direction;
    if (next < 0) return undefined;
    if (next >= entries.length) {
      this.index = undefined;
      return this.draft;
    }
    this.index = next;
    return entries[next];
  }

  reset(): void {
    this.index = undefined;
    this.draft = "";
  }
}
