// The simulated network between nodes: each message gets a random delay and may be lost,
// duplicated or overtaken by later ones; partitions cut links. All draws come from the run's PRNG.

import type { Prng } from './prng';

export interface NetworkProfile {
  /** Per-message delay, uniform in [minDelayMs, maxDelayMs]. */
  minDelayMs: number;
  maxDelayMs: number;
  /** Probability that a message is never delivered. */
  lossRate: number;
  /** Probability that a delivered message is delivered twice (the copy gets its own delay). */
  duplicateRate: number;
  /** false: each link is FIFO, as one TCP connection is; true: later messages may overtake. */
  reorder: boolean;
}

export const reliableNetwork: NetworkProfile = { minDelayMs: 1, maxDelayMs: 5, lossRate: 0, duplicateRate: 0, reorder: false };

const link = (from: number, to: number) => `${from}>${to}`;

export class SimNetwork {
  profile: NetworkProfile;
  private readonly cut = new Set<string>();
  /** Per link, the latest delivery time handed out, to keep FIFO links in order. */
  private readonly lastDelivery = new Map<string, number>();

  constructor(private readonly rng: Prng, profile: Partial<NetworkProfile> = {}) {
    this.profile = { ...reliableNetwork, ...profile };
  }

  /** Splits the nodes into groups that cannot reach each other; unlisted nodes keep their links. */
  partition(groups: readonly (readonly number[])[]): void {
    for (let g = 0; g < groups.length; g++) {
      for (let h = 0; h < groups.length; h++) {
        if (g === h) continue;
        for (const a of groups[g]) for (const b of groups[h]) this.cut.add(link(a, b));
      }
    }
  }

  /** Cuts one direction (a one-way failure) or both. */
  cutLink(from: number, to: number, bothWays = true): void {
    this.cut.add(link(from, to));
    if (bothWays) this.cut.add(link(to, from));
  }

  heal(): void {
    this.cut.clear();
  }

  get partitioned(): boolean {
    return this.cut.size > 0;
  }

  connected(from: number, to: number): boolean {
    return from === to || !this.cut.has(link(from, to));
  }

  /** Delivery times for one send at `now`: none if lost or cut, two if duplicated. */
  plan(from: number, to: number, now: number): number[] {
    if (from === to) return [now];
    if (!this.connected(from, to) || this.rng.chance(this.profile.lossRate)) return [];
    const times = [this.deliveryTime(from, to, now)];
    if (this.rng.chance(this.profile.duplicateRate)) times.push(this.deliveryTime(from, to, now));
    return times;
  }

  private deliveryTime(from: number, to: number, now: number): number {
    const { minDelayMs, maxDelayMs, reorder } = this.profile;
    let t = now + this.rng.int(minDelayMs, Math.max(minDelayMs, maxDelayMs));
    if (!reorder) {
      const key = link(from, to);
      t = Math.max(t, this.lastDelivery.get(key) ?? 0);
      this.lastDelivery.set(key, t);
    }
    return t;
  }
}
