/**
 * An in-memory cache whose entries are grouped (all cached reads of one prompt form a group) and
 * dropped a group at a time when a change notification arrives. A load that raced with an
 * invalidation is returned but not kept, so a stale read can never outlive the change.
 */
export class InvalidatingCache<V> {
  private readonly groups = new Map<string, Map<string, V>>();
  private epoch = 0;
  private readonly pending = new Map<string, Promise<V>>();

  /** At most `maxGroups` groups of at most `maxKeysPerGroup` entries: memory stays bounded. */
  constructor(
    private readonly maxGroups: number,
    private readonly maxKeysPerGroup = 64,
  ) {}

  get(group: string, key: string): V | undefined {
    return this.groups.get(group)?.get(key);
  }

  /**
   * Loads a missing entry. Concurrent misses of one entry share a single load (a burst of clients
   * refetching after a rollback costs one read), unless an invalidation came in between.
   */
  load(group: string, key: string, loader: () => Promise<V>): Promise<V> {
    const id = `${group}\u0000${key}`;
    const pending = this.pending.get(id);
    if (pending) return pending;
    const startedAt = this.epoch;
    const loading = loader()
      .then((value) => {
        if (startedAt === this.epoch) this.set(group, key, value);
        return value;
      })
      .finally(() => {
        if (this.pending.get(id) === loading) this.pending.delete(id);
      });
    this.pending.set(id, loading);
    return loading;
  }

  invalidate(group: string): void {
    this.epoch++;
    this.groups.delete(group);
    this.pending.clear();
  }

  clear(): void {
    this.epoch++;
    this.groups.clear();
    this.pending.clear();
  }

  private set(group: string, key: string, value: V): void {
    let entries = this.groups.get(group);
    if (!entries) {
      if (this.groups.size >= this.maxGroups) {
        const oldest = this.groups.keys().next().value;
        if (oldest !== undefined) this.groups.delete(oldest);
      }
      entries = new Map();
      this.groups.set(group, entries);
    }
    if (entries.size < this.maxKeysPerGroup) entries.set(key, value);
  }
}
