// How monitored figures read on screen: ms, counts, bytes, zxids, roles, health, times. A figure the
// server did not report (null) reads as a dash, never as 0, so "unknown" and "zero" stay apart.

import type { AlertEvent, Health, ServerSample } from '../../../src-main/api/monitor-types';
import { formatByteSize } from './data-format';

const dash = '—';

export function formatMs(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return dash;
  if (v >= 10_000) return `${(v / 1000).toFixed(0)} s`;
  if (v >= 1000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 10) return `${Math.round(v)} ms`;
  return `${v.toFixed(1)} ms`;
}

/** "0.4 / 12 ms": one unit when both are in ms, each its own when either reaches seconds. */
export function formatLatencyPair(avg: number | null, max: number | null): string {
  if (avg !== null && max !== null && avg < 1000 && max < 1000) {
    return `${formatMs(avg).replace(' ms', '')} / ${formatMs(max)}`;
  }
  return `${formatMs(avg)} / ${formatMs(max)}`;
}

export function formatCount(v: number | null): string {
  return v === null || !Number.isFinite(v) ? dash : Math.round(v).toLocaleString('en-US');
}

export function formatBytes(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return dash;
  if (v >= 1024 ** 3) return `${(v / 1024 ** 3).toFixed(1)} GiB`;
  return formatByteSize(Math.round(v));
}

/** "123 / 4,096 (3%)"; the percentage is what the fd alert threshold is judged on. */
export function formatFds(open: number | null, max: number | null): string {
  if (open === null) return dash;
  if (max === null || max <= 0) return formatCount(open);
  const pct = (open / max) * 100;
  return `${formatCount(open)} / ${formatCount(max)} (${pct < 1 && pct > 0 ? '<1' : Math.round(pct)}%)`;
}

/** A zxid's two halves: the epoch (high 32 bits) and the counter within it (low 32 bits). */
export function zxidParts(zxid: string | null): { epoch: number; counter: number } | null {
  if (!zxid) return null;
  try {
    const n = BigInt(zxid);
    return { epoch: Number(n >> 32n), counter: Number(n & 0xffffffffn) };
  } catch {
    return null;
  }
}

/** Always 0x-prefixed lower-case hex, whatever spelling the host sent. */
export function formatZxid(zxid: string | null): string {
  if (!zxid) return dash;
  try {
    return '0x' + BigInt(zxid).toString(16);
  } catch {
    return zxid;
  }
}

export function roleLabel(role: string | null): string {
  if (!role) return 'Down';
  return role.charAt(0).toUpperCase() + role.slice(1);
}

export const healthLabels: Record<Health, string> = {
  ok: 'Healthy',
  warn: 'Warning',
  critical: 'Critical',
  down: 'Down',
};

/** Health and severity colours, shared by cards, the alert log and the toasts. */
export const healthColors: Record<Health, string> = {
  ok: '#1e9a55',
  warn: '#c98a1b',
  critical: '#c2413a',
  down: '#6b7280',
};

export function severityHealth(severity: AlertEvent['severity']): Health {
  return severity === 'info' ? 'ok' : severity;
}

/** Host texts ("leader changed: …") as sentences. */
export function sentence(text: string): string {
  const t = text.trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** The down reason as a sentence: "Connection refused". */
export function downReasonText(s: Pick<ServerSample, 'up' | 'downReason'>): string {
  if (s.up) return '';
  return sentence(s.downReason ?? '') || 'Not answering';
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** 14:03:07 for today, 2026-11-20 14:03:07 otherwise. */
export function formatClock(ts: number, now = Date.now()): string {
  const d = new Date(ts);
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  if (new Date(now).toDateString() === d.toDateString()) return time;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAgo(ts: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** A file name part: letters, digits, dots and dashes only. */
export function fileSlug(name: string): string {
  return name.trim().replace(/[^A-Za-z0-9.-]+/g, '-').replace(/^-+|-+$/g, '') || 'ensemble';
}

/** Sortable local stamp for file names: 20261121-140307. */
export function fileStamp(ts: number): string {
  const d = new Date(ts);
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}-${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}
