// ExpiryQueue: elements grouped into buckets at multiples of the expiration interval (tickTime),
// each deadline rounded *up* to the next bucket — a built-in grace period. Time is passed in.

export class ExpiryQueue<E> {
  private readonly elemMap = new Map<E, number>();
  private readonly expiryMap = new Map<number, Set<E>>();
  private nextExpirationTime: number;

  constructor(
    readonly expirationInterval: number,
    now: number,
  ) {
    this.nextExpirationTime = this.roundToNextInterval(now);
  }

  private roundToNextInterval(time: number): number {
    return (Math.floor(time / this.expirationInterval) + 1) * this.expirationInterval;
  }

  /** The deadline the element had, or undefined if it was not queued. */
  remove(elem: E): number | undefined {
    const t = this.elemMap.get(elem);
    if (t === undefined) return undefined;
    this.elemMap.delete(elem);
    // Emptied buckets stay until they are polled, as in ZooKeeper.
    this.expiryMap.get(t)?.delete(elem);
    return t;
  }

  /** Moves the element to the bucket of now + timeout; null when that is its bucket already. */
  update(elem: E, timeout: number, now: number): number | null {
    const prev = this.elemMap.get(elem);
    const next = this.roundToNextInterval(now + timeout);
    if (next === prev) return null;
    let set = this.expiryMap.get(next);
    if (!set) this.expiryMap.set(next, (set = new Set()));
    set.add(elem);
    this.elemMap.set(elem, next);
    if (prev !== undefined) this.expiryMap.get(prev)?.delete(elem);
    return next;
  }

  /** Milliseconds until the next bucket is due, 0 when it is. */
  getWaitTime(now: number): number {
    return now < this.nextExpirationTime ? this.nextExpirationTime - now : 0;
  }

  /** Takes the due bucket (one per call) and advances to the next interval. */
  poll(now: number): E[] {
    if (now < this.nextExpirationTime) return [];
    const t = this.nextExpirationTime;
    this.nextExpirationTime = t + this.expirationInterval;
    const set = this.expiryMap.get(t);
    this.expiryMap.delete(t);
    // The elements stay in elemMap, as in ZooKeeper: a later update or remove clears them.
    return set ? [...set] : [];
  }

  get nextExpiration(): number {
    return this.nextExpirationTime;
  }

  /** Deadline → elements, for the "dump" 4lw and getSessionExpiryMap. */
  expiryMapView(): Map<number, E[]> {
    return new Map([...this.expiryMap].sort((a, b) => a[0] - b[0]).map(([t, s]) => [t, [...s]]));
  }

  get size(): number {
    return this.elemMap.size;
  }
}
