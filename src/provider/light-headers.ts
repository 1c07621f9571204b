type HeadersInit =
  | Record<string, string>
  | Iterable<readonly [string, string]>
  | { forEach(callback: (value: string, name: string) => void): void };

/**
 * The part of WHATWG `Headers` the AI SDK's request code uses (case-insensitive names, get/set/entries
 * and friends). The build gives it to @ai-sdk/provider-utils in place of the global, whose first use
 * loads Node's whole fetch implementation (undici and its dependencies: ~20 ms of a one-shot run)
 * although the providers' requests go through nodeFetch.
 */
export class Headers {
  readonly #values = new Map<string, string>();

  constructor(init?: HeadersInit) {
    if (!init) return;
    if (typeof (init as { forEach?: unknown }).forEach === "function" && !Array.isArray(init)) {
      (init as { forEach(callback: (value: string, name: string) => void): void }).forEach((value, name) =>
        this.append(name, value),
      );
    } else if (Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<readonly [string, string]>) this.append(name, value);
    } else {
      for (const [name, value] of Object.entries(init)) this.append(name, value);
    }
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const existing = this.#values.get(key);
    this.#values.set(key, existing === undefined ? String(value) : `${existing}, ${value}`);
  }

  set(name: string, value: string): void {
    this.#values.set(name.toLowerCase(), String(value));
  }

  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#values.has(name.toLowerCase());
  }

  delete(name: string): void {
    this.#values.delete(name.toLowerCase());
  }

  forEach(callback: (value: string, name: string, headers: Headers) => void): void {
    for (const [name, value] of this.entries()) callback(value, name, this);
  }

  *entries(): IterableIterator<[string, string]> {
    yield* [...this.#values].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
