// runDifferential: the same generated steps against two servers, step by step, until the first
// difference. A mismatch names the seed, the step and both outcomes; the seed replays it.

import { opName } from '../../protocol/opcodes';
import { compareOutcomes } from './compare';
import { generateSteps } from './generator';
import type { StepOutcome } from './normalize';
import { DiffSide } from './side';
import { describeStep, endsSession, type Step } from './steps';

export interface DiffOptions {
  /** host:port of the server taken as ground truth (Apache ZooKeeper). */
  reference: string;
  /**
   * host:port of the server under test, set up like the reference (see diff-server.ts): fresh,
   * TTL nodes enabled, the super digest SUPER_DIGEST, sessionTimeoutMs within its session timeout
   * bounds, and no container/TTL reaping during the run.
   */
  candidate: string;
  seed: number;
  steps: number;
  /** Every session's timeout; an expiry step waits about this long. Default 4000. */
  sessionTimeoutMs?: number;
  /** One session expiry every this many steps (0: none). Default 1000. */
  expireEvery?: number;
  /**
   * exact (default): both servers are fresh, so zxids must be equal. relative: zxids are
   * compared as offsets from each server's last zxid once the run's sessions are open.
   */
  zxids?: 'exact' | 'relative';
  /** Awaited with both outcomes of every step before they are compared (a trace for debugging). */
  onStep?: (index: number, step: Step | null, reference: StepOutcome, candidate: StepOutcome) => void | Promise<void>;
}

export interface DiffMismatch {
  /** -1 for opening the sessions, else the index of the step. */
  step: number;
  description: string;
  reference: StepOutcome;
  candidate: StepOutcome;
  differences: string[];
  /** The steps just before, with the reference's results: the context that led there. */
  history: string[];
}

export interface DiffReport {
  seed: number;
  steps: number;
  /** Steps run and found equal. */
  completed: number;
  equal: boolean;
  mismatch?: DiffMismatch;
  /** Differences tolerated by design (server-ordered lists, interleaving on session end), by step. */
  notes: string[];
  /** What the reference answered, counted by step kind and outcome: shows what a run covered. */
  coverage: Record<string, number>;
  durationMs: number;
}

const HISTORY = 12;

export async function runDifferential(opts: DiffOptions): Promise<DiffReport> {
  const started = Date.now();
  const steps = generateSteps(opts.seed, opts.steps, { expireEvery: opts.expireEvery ?? 1000 });
  const sideOpts = { sessionTimeoutMs: opts.sessionTimeoutMs ?? 4000, zxids: opts.zxids ?? 'exact' };
  const report: DiffReport = { seed: opts.seed, steps: opts.steps, completed: 0, equal: true, notes: [], coverage: {}, durationMs: 0 };
  const starts = await Promise.allSettled([DiffSide.start('reference', opts.reference, sideOpts), DiffSide.start('candidate', opts.candidate, sideOpts)]);
  const sides = starts.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failedStart = starts.find((r) => r.status === 'rejected');
  if (failedStart) {
    await Promise.all(sides.map((s) => s.close()));
    throw failedStart.reason;
  }
  const history: string[] = [];

  // Runs one step on both servers at once (they are independent), then a barrier on each.
  const both = async (run: (side: DiffSide) => Promise<StepOutcome>): Promise<[StepOutcome, StepOutcome]> => {
    const outcomes = await Promise.all(sides.map((side) => run(side).catch((e: Error) => harnessFailure(e))));
    await Promise.all(sides.map((side) => side.barrier()));
    sides.forEach((side, i) => (outcomes[i].logs = { ...outcomes[i].logs, ...side.takeLogs() }));
    return [outcomes[0], outcomes[1]];
  };

  const agree = async (index: number, step: Step | null, [a, b]: [StepOutcome, StepOutcome]): Promise<boolean> => {
    await opts.onStep?.(index, step, a, b);
    const { differences, notes } = compareOutcomes(a, b, step !== null && endsSession(step));
    for (const note of notes) report.notes.push(`step ${index}: ${note}`);
    const description = step ? describeStep(step) : 'open the sessions';
    if (differences.length > 0) {
      report.equal = false;
      report.mismatch = { step: index, description, reference: a, candidate: b, differences, history: [...history] };
      return false;
    }
    history.push(`${index}: ${description} => ${JSON.stringify(a.result)}`);
    if (history.length > HISTORY) history.shift();
    return true;
  };

  try {
    if (!await agree(-1, null, await both((side) => side.setup()))) return report;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const outcomes = await both((side) => side.execute(step));
      count(report.coverage, step, outcomes[0].result);
      if (!await agree(i, step, outcomes)) return report;
      report.completed = i + 1;
    }
    return report;
  } finally {
    await Promise.all(sides.map((s) => s.close()));
    report.durationMs = Date.now() - started;
  }
}

function harnessFailure(e: Error): StepOutcome {
  return { result: { harnessError: e.message }, logs: {}, orders: [] };
}

function count(coverage: Record<string, number>, step: Step, result: unknown): void {
  const kind = step.kind === 'raw' ? `raw ${opName(step.op.opcode)}` : step.kind;
  const r = result as { err?: string } | null;
  const key = `${kind} ${r && typeof r === 'object' && typeof r.err === 'string' ? r.err : 'ok'}`;
  coverage[key] = (coverage[key] ?? 0) + 1;
}

/** A report as text: the replay line first, then the failing step, its context and both sides. */
export function formatReport(report: DiffReport, testFile?: string): string {
  const lines = [`differential run, seed ${report.seed}: ${report.equal ? 'equal' : 'MISMATCH'} after ${report.completed}/${report.steps} steps in ${report.durationMs} ms`];
  const m = report.mismatch;
  if (m) {
    lines.push(`replay: ZOOLAB_DIFF_SEED=${report.seed} ZOOLAB_DIFF_STEPS=${m.step + 1}${testFile ? ` npx vitest run ${testFile}` : ''}`);
    lines.push('steps before:', ...m.history.map((h) => `  ${h}`));
    lines.push(`step ${m.step}: ${m.description}`, ...m.differences.map((d) => `  ${d}`));
    lines.push(`reference outcome: ${JSON.stringify(m.reference)}`, `candidate outcome: ${JSON.stringify(m.candidate)}`);
  }
  if (report.notes.length) {
    lines.push(`${report.notes.length} tolerated difference(s):`, ...report.notes.slice(0, 20).map((n) => `  ${n}`));
  }
  return lines.join('\n');
}
