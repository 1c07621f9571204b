import { open, type FileHandle } from "node:fs/promises";

interface Slot {
  handle: Promise<FileHandle>;
  users: number;
  forgotten?: boolean;
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
      if (slot.forgotten && slot.users === 0) void closeSlot(slot);
      this.closeIdleBeyondMax();
    }
  }

  /** Lets go of the file (about to be removed): closed now, or once the reads using it are done. */
  forget(path: string): void {
    const slot = this.slots.get(path);
    if (!slot) return;
    this.slots.delete(path);
    slot.forgotten = true;
    if (slot.users === 0) void closeSlot(slot);
  }

  async closeAll(): Promise<void> {
    const slots = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(slots.map(closeSlot));
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
      void closeSlot(slot);
    }
  }
}

function closeSlot(slot: Slot): Promise<void> {
  return slot.handle.then(
    (handle) => handle.close(),
    () => undefined,
  );
}
