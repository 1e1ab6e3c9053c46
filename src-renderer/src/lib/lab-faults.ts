// Faults the lab injected, as marks on a time axis: each one a line at its moment, and the time a
// server spent paused or down, or the network spent partitioned, as a shaded span.

import type { LabFault } from '../../../src-main/api/lab-types';
import { faultText } from './lab-format';

/** Fault times are µs since the epoch, like events. */
export function faultMs(f: LabFault): number {
  return f.ts / 1000;
}

export interface FaultLine {
  at: number;
  label: string;
}

export interface FaultSpan {
  from: number;
  /** Null while it lasts. */
  to: number | null;
  label: string;
}

const spanEnds: Partial<Record<LabFault['kind'], { label: string; endedBy: LabFault['kind'][] }>> = {
  pause: { label: 'paused', endedBy: ['resume', 'kill', 'stop', 'restart'] },
  kill: { label: 'down', endedBy: ['start', 'restart'] },
  stop: { label: 'stopped', endedBy: ['start', 'restart'] },
  cut: { label: 'cut', endedBy: ['heal'] },
  delay: { label: 'slow', endedBy: ['heal'] },
  'isolate-leader': { label: 'partitioned', endedBy: ['heal'] },
  'split-minority': { label: 'partitioned', endedBy: ['heal'] },
};

const networkKinds = new Set<LabFault['kind']>(['cut', 'delay', 'isolate-leader', 'split-minority']);

/** Lines and spans in ms, oldest first. A heal ends every network fault; server faults end per server. */
export function faultMarks(faults: readonly LabFault[]): { lines: FaultLine[]; spans: FaultSpan[] } {
  const lines: FaultLine[] = [];
  const spans: FaultSpan[] = [];
  let open: Array<{ fault: LabFault; span: FaultSpan }> = [];
  for (const f of [...faults].sort((a, b) => a.ts - b.ts)) {
    const at = faultMs(f);
    lines.push({ at, label: faultText(f) });
    open = open.filter(({ fault, span }) => {
      const ends = spanEnds[fault.kind]!.endedBy.includes(f.kind) && (networkKinds.has(fault.kind) || fault.target === f.target);
      if (ends) span.to = at;
      return !ends;
    });
    const starts = spanEnds[f.kind];
    if (starts && !open.some((o) => o.fault.kind === f.kind && o.fault.target === f.target)) {
      const span = { from: at, to: null, label: `${f.target} ${starts.label}`.trim() };
      open.push({ fault: f, span });
      spans.push(span);
    }
  }
  return { lines, spans };
}
