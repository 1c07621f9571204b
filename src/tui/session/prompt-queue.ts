import type { PromptImage } from "../input/prompt-keys.ts";

/** A prompt typed while a turn ran, with the images attached to it. */
export interface QueuedPrompt {
  text: string;
  images: readonly PromptImage[];
}

/** Prompts typed while a turn runs, sent one per turn after it; a new array on every change (snapshots keep it). */
export class PromptQueue {
  private items: readonly QueuedPrompt[] = [];

  get texts(): string[] {
    return this.items.map((q) => q.text);
  }

  push(prompt: QueuedPrompt): void {
    this.items = [...this.items, prompt];
  }

  /** The oldest prompt, taken to be sent. */
  next(): QueuedPrompt | undefined {
    const [next, ...rest] = this.items;
    this.items = rest;
    return next;
  }

  /** The newest prompt, taken back to edit or drop it. */
  takeLast(): QueuedPrompt | undefined {
    const last = this.items.at(-1);
    this.items = this.items.slice(0, -1);
    return last;
  }
}
