// Turns what a server answered into plain values that two servers must agree on: times are
// dropped (two servers never share a clock), session ids become slot labels (ids are derived
// from the server's start time), and zxids are kept exact or made relative to the run's start.

import { errorName } from '../../protocol/errors';
import type { MultiResult } from '../../protocol/multi';
import { opName, OpCode } from '../../protocol/opcodes';
import type { ACL, ClientInfo, Stat } from '../../protocol/records';
import { abbreviate } from './steps';

/** One server's answer to one step, and what each session saw arrive meanwhile. */
export interface StepOutcome {
  result: unknown;
  /** Per session label: replies (op, error, zxid) and watch notifications, in arrival order. */
  logs: Record<string, string[]>;
  /** Lists as the server ordered them (children, ephemerals, ACLs, auth ids); `result` holds them sorted. */
  orders: string[][];
}

export class Normalizer {
  /** Filled while one step's result is normalised. */
  orders: string[][] = [];

  constructor(
    private readonly sessionLabel: (sessionId: bigint) => string,
    readonly zxid: (zxid: bigint) => string,
  ) {}

  stat(s: Stat | null | undefined): string | null {
    if (!s) return null;
    const owner = s.ephemeralOwner === 0n ? '0' : this.sessionLabel(s.ephemeralOwner);
    return `c=${this.zxid(s.czxid)} m=${this.zxid(s.mzxid)} p=${this.zxid(s.pzxid)} v=${s.version} cv=${s.cversion} av=${s.aversion} ` +
      `owner=${owner} len=${s.dataLength} kids=${s.numChildren}`;
  }

  data(d: Buffer | null): string | null {
    if (d === null) return null;
    const text = d.toString('utf8');
    return /^[\x20-\x7e]*$/.test(text) ? abbreviate(text) : `hex:${d.toString('hex')}`;
  }

  /**
   * Unordered: an 'auth' ACL expands in the order of the session's auth ids, which Apache keeps
   * in a hash set; ACL checks do not depend on order anyway.
   */
  acl(list: ACL[] | null): string[] | null {
    return list === null ? null : this.unordered(list.map((a) => `${a.id.scheme}:${a.id.id}:${a.perms}`));
  }

  /** A server-ordered list: compared sorted, its order kept aside for a note. */
  unordered(list: string[] | null): string[] | null {
    if (list === null) return null;
    this.orders.push([...list]);
    return [...list].sort();
  }

  /** Unordered: Apache lists a connection's auth ids from a hash set. */
  clientInfo(list: ClientInfo[]): string[] | null {
    return this.unordered(list.map((c) => `${c.authScheme}:${c.user}`));
  }

  multiResult(r: MultiResult): string {
    switch (r.type) {
      case OpCode.create: return `create ${r.path}`;
      case OpCode.create2: case OpCode.createContainer: case OpCode.createTTL: return `${opName(r.type)} ${r.path} ${this.stat(r.stat)}`;
      case OpCode.delete: case OpCode.check: return opName(r.type);
      case OpCode.setData: return `setData ${this.stat(r.stat)}`;
      case OpCode.getChildren: return `getChildren ${JSON.stringify(this.unordered(r.children))}`;
      case OpCode.getData: return `getData ${JSON.stringify(this.data(r.data))} ${this.stat(r.stat)}`;
      case OpCode.error: return `error ${errorName(r.err)}`;
    }
  }
}

/** exact: zxids as the server gave them; relative: minus the server's zxid when the run started. */
export function zxidFormatter(mode: 'exact' | 'relative', base: () => bigint): (zxid: bigint) => string {
  return (zxid) => (mode === 'exact' || zxid <= 0n ? zxid.toString() : `+${zxid - base()}`);
}
