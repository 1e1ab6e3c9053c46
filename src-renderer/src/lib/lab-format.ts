// How the cluster lab reads on screen: role and process colours, µs durations and clock times, zxids
// typed by hand, and faults in words. Event times are µs since the epoch; load samples are ms.

import type { LabFault, LabProcessState, LabRole } from '../../../src-main/api/lab-types';

/** One colour per role, used alike by cards, the topology and the timeline lanes. */
export const roleColors: Record<LabRole, string> = {
  leader: '#2f6fdb',
  follower: '#1e9a55',
  observer: '#8e44ad',
  looking: '#d9901a',
  down: '#c2413a',
};

export const processLabels: Record<LabProcessState, string> = {
  running: 'Running',
  paused: 'Paused (SIGSTOP)',
  stopped: 'Stopped',
  crashed: 'Crashed',
};

/** A duration given in µs: "850 µs", "12.3 ms", "1.24 s". */
export function formatUs(us: number | null): string {
  if (us === null || !Number.isFinite(us)) return '—';
  const abs = Math.abs(us);
  if (abs < 1000) return `${Math.round(us)} µs`;
  if (abs < 10_000) return `${(us / 1000).toFixed(2)} ms`;
  if (abs < 1_000_000) return `${(us / 1000).toFixed(1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Local wall-clock time of a ms timestamp, to the millisecond: 14:03:07.412 */
export function clockOfMs(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function clockOfUs(us: number): string {
  return clockOfMs(us / 1000);
}

/**
 * A zxid as events spell it (0x-prefixed lower-case hex, no padding) from what a person types or
 * copies from the Explorer's Stat: "0x100000005", "0x0000000100000005" or bare hex; null otherwise.
 */
export function normalizeZxid(input: string): string | null {
  const hex = /^(0x)?([0-9a-f]{1,16})$/.exec(input.trim().toLowerCase());
  return hex ? '0x' + BigInt('0x' + hex[2]).toString(16) : null;
}

const faultWords: Record<LabFault['kind'], string> = {
  kill: 'kill -9',
  pause: 'pause',
  resume: 'resume',
  stop: 'stop',
  start: 'start',
  restart: 'restart',
  wipe: 'wipe',
  cut: 'cut',
  heal: 'heal',
  delay: 'slow',
  'isolate-leader': 'isolate leader',
  'split-minority': 'split minority',
};

/** "kill -9 server 2", short enough for a mark on a chart. */
export function faultText(f: LabFault): string {
  return f.target ? `${faultWords[f.kind]} ${f.target}` : faultWords[f.kind];
}
