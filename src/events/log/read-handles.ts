import { open, type FileHandle } from "node:fs/promises";

interface Slot {
  handle: Promise<FileHandle>;
  users: number;
}

/**
 * Keeps a few segment files open for positioned reads: opening and closing a file around every read
 * costs several times the read itself. Least recently used handles beyond `max` are closed once idle.
 */
export class ReadHandles {
  private readonly slots = new Map<string, Slot>(); // in use order, most recent last

  constructor(private readonly max = 16) {}

  async use<T>(path: string, read: (handle: FileHandle) => Promise<T>): Promise<T> {
    const slot = this.slots.get(path) ?? this.openSlot(path);
    this.slots.delete(path);
    this.slots.set(path, slot);
    slot.users++;
    try {
      return await read(await slot.handle);
    } finally {
      slot.users--;
      this.closeIdleBeyondMax();
    }
  }

  async closeAll(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(slots.map((slot) => slot.handle.then((handle) => handle.close(), () => undefined)));
  }

  private openSlot(path: string): Slot {
    const slot = { handle: open(path, "r"), users: 0 };
    // A failed open (no such segment yet) must not be remembered.
    slot.handle.catch(() => this.slots.get(path) === slot && this.slots.delete(path));
    return slot;
  }

  private closeIdleBeyondMax(): void {
    for (const [path, slot] of this.slots) {
      if (this.slots.size <= this.max) return;
      if (slot.users > 0) continue;
      this.slots.delete(path);
      slot.handle.then((handle) => handle.close(), () => undefined);
    }
  }
}
