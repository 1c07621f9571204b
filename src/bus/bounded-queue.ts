/**
 * FIFO that holds at most `capacity` items and drops the oldest when full.
 * Storage grows with use (an idle subscriber costs almost nothing) and is compacted as it drains.
 */
export class BoundedQueue<T> {
  #items: (T | undefined)[] = [];
  #head = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`queue size must be a positive integer, got ${capacity}`);
    }
  }

  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Adds an item; returns true when the oldest item had to be dropped to make room. */
  push(item: T): boolean {
    const full = this.length >= this.capacity;
    if (full) this.#items[this.#head++] = undefined;
    this.#items.push(item);
    this.#compact();
    return full;
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    this.#compact();
    return item;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
  }

  #compact(): void {
    if (this.#head === this.#items.length) this.clear();
    else if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
