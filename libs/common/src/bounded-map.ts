/**
 * A Map that keeps at most `max` entries: setting a new key when full forgets the oldest one
 * (insertion order; `get` with `touch` moves a key to the newest end, so it forgets the least
 * recently used). For in-process memos of pure results (built abilities, statement names,
 * verified tokens), bounded so that no input can grow the process.
 */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly max: number) {}

  get(key: K, touch = false): V | undefined {
    const value = this.entries.get(key);
    if (touch && value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): V {
    if (!this.entries.has(key) && this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, value);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
