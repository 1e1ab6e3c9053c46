// The add/edit ensemble form's rules: members as the user typed them, checked before saving so a
// typo shows in the dialog instead of as a server that is "down" forever.

import type { MonitoredMember } from '../../../src-main/api/monitor-types';
import { connectStringProblem } from './connect-string';

export interface MemberDraft {
  address: string;
  adminUrl: string;
}

export interface EnsembleDraft {
  connectString: string;
  members: MemberDraft[];
  intervalSec: number;
  retentionDays: number;
}

export function toDrafts(members: readonly MonitoredMember[]): MemberDraft[] {
  return members.map((m) => ({ address: m.address, adminUrl: m.adminUrl ?? '' }));
}

export function toMembers(drafts: readonly MemberDraft[]): MonitoredMember[] {
  return drafts.map((d) => ({ address: d.address.trim(), adminUrl: d.adminUrl.trim() || null }));
}

/** A sentence saying what is wrong with one member, or null. */
export function memberProblem(m: MemberDraft): string | null {
  const address = m.address.trim();
  if (!address) return 'Every member needs a host:port';
  if (!/:\d+$/.test(address) || address.includes(',') || address.includes('/')) {
    return `"${address}" is not host:port`;
  }
  const p = connectStringProblem(address);
  if (p) return p;
  const url = m.adminUrl.trim();
  if (url) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(url);
    } catch {
      parsed = null;
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      return `The AdminServer URL "${url}" must start with http:// or https://`;
    }
  }
  return null;
}

export function ensembleProblem(d: EnsembleDraft): string | null {
  const cs = connectStringProblem(d.connectString);
  if (cs) return cs;
  if (d.members.length === 0) return 'Add at least one member, or press "Discover members"';
  const seen = new Set<string>();
  for (const m of d.members) {
    const p = memberProblem(m);
    if (p) return p;
    const key = m.address.trim();
    if (seen.has(key)) return `${key} is listed twice`;
    seen.add(key);
  }
  if (!Number.isFinite(d.intervalSec) || d.intervalSec < 1) return 'The poll interval must be at least 1 second';
  if (!Number.isFinite(d.retentionDays) || d.retentionDays < 1) return 'History must be kept for at least 1 day';
  return null;
}

/** The AdminServer URL a member would have on ZooKeeper's default admin port, as a hint. */
export function adminUrlHint(address: string): string {
  const host = address.trim().replace(/:\d+$/, '');
  return `http://${host || 'zk1'}:8080`;
}

/** A name for an ensemble the user did not name: its first host, and how many more. */
export function defaultEnsembleName(connectString: string): string {
  const hosts = connectString.trim().split('/')[0].split(',').map((h) => h.trim()).filter(Boolean);
  if (hosts.length === 0) return 'Ensemble';
  return hosts.length === 1 ? hosts[0] : `${hosts[0]} +${hosts.length - 1}`;
}
