const FRAME_MS = 30;

/**
 * Tells the UI's listeners of changes. A model streams hundreds of deltas a second; the UI is told at most
 * once a frame (ink draws at 30 fps anyway), so a fast stream costs a few renders instead of one per delta.
 */
export class FrameNotifier {
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  notify(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const listener of this.listeners) listener();
    }, FRAME_MS);
  }

  close(): void {
    clearTimeout(this.timer);
  }
}
