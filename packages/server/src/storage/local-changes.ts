import type { Change, ChangeListener } from "./engine.js";

/** In-process delivery of changes; PostgreSQL adds cross-instance delivery on top of it. */
export class LocalChanges {
  private readonly listeners = new Set<{ listener: ChangeListener; reset: () => void }>();

  subscribe(listener: ChangeListener, reset: () => void): () => void {
    const entry = { listener, reset };
    this.listeners.add(entry);
    return () => this.listeners.delete(entry);
  }

  deliver(change: Change): void {
    for (const { listener } of this.listeners) listener(change);
  }

  resetAll(): void {
    for (const { reset } of this.listeners) reset();
  }
}
