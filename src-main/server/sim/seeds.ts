// Running many seeds: which seeds (from the environment), and a failure report that names the seed
// and how to replay it. ZOOLAB_SIM_SEED=<n> replays one seed; ZOOLAB_SIM_SEEDS=<count> and
// ZOOLAB_SIM_SEED_BASE=<n|random> choose a longer soak or a fresh range.

/** A failed run: the seed, what broke, and the trace leading up to it. */
export class SimFailure extends Error {
  constructor(readonly seed: number, readonly reason: string, readonly trace: string) {
    super(`seed ${seed}: ${reason}`);
    this.name = 'SimFailure';
  }
}

export interface SeedPlan {
  seeds: number[];
  /** True when ZOOLAB_SIM_SEED picked one seed to replay. */
  replay: boolean;
}

export function seedPlan(defaultCount: number, env: NodeJS.ProcessEnv = process.env): SeedPlan {
  const one = env.ZOOLAB_SIM_SEED;
  if (one !== undefined && one !== '') return { seeds: [parseSeed(one, 'ZOOLAB_SIM_SEED')], replay: true };
  const count = env.ZOOLAB_SIM_SEEDS ? parseSeed(env.ZOOLAB_SIM_SEEDS, 'ZOOLAB_SIM_SEEDS') : defaultCount;
  const baseText = env.ZOOLAB_SIM_SEED_BASE ?? '1';
  const base = baseText === 'random' ? Math.floor(Math.random() * 2 ** 31) : parseSeed(baseText, 'ZOOLAB_SIM_SEED_BASE');
  return { seeds: Array.from({ length: count }, (_, i) => (base + i) >>> 0), replay: false };
}

function parseSeed(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new Error(`${name}=${text}: expected an integer in 0..4294967295`);
  return n;
}

export interface SeedRunSummary<R> {
  results: R[];
  elapsedMs: number;
  seedsPerSecond: number;
}

/**
 * Runs `runOne` for every seed. The first failure throws an Error whose message names the seed,
 * the replay command and the end of its trace.
 */
export function runSeeds<R>(plan: SeedPlan, testFile: string, runOne: (seed: number) => R): SeedRunSummary<R> {
  const started = performance.now();
  const results: R[] = [];
  for (const seed of plan.seeds) {
    try {
      results.push(runOne(seed));
    } catch (e) {
      const failure = e instanceof SimFailure ? e : new SimFailure(seed, e instanceof Error ? e.stack ?? e.message : String(e), '');
      throw new Error([
        `simulation failed: ${failure.message}`,
        `replay: ZOOLAB_SIM_SEED=${seed} npx vitest run ${testFile}`,
        failure.trace ? `--- the end of its trace ---\n${failure.trace}` : '',
      ].join('\n'));
    }
  }
  const elapsedMs = performance.now() - started;
  return { results, elapsedMs, seedsPerSecond: plan.seeds.length / Math.max(elapsedMs / 1000, 1e-9) };
}
