// What a differential run does: the sessions it opens and the steps it takes. Steps are plain
// JSON (no Buffers, no functions) so a mismatch report can print the step that failed.

import { digestId } from '../../protocol/digest';
import type { ACL } from '../../protocol/records';

export interface SlotSpec {
  name: string;
  /** Appended to the connect string; '' for none. */
  chroot: string;
  /** addAuth calls made right after every (re)connect of this slot's session. */
  auth: Array<[scheme: string, credential: string]>;
}

/**
 * The sessions of a run. Slot 3 lives under a chroot that is itself a node of the shared path
 * space, so its operations collide with everyone else's.
 */
export const SLOTS: readonly SlotSpec[] = [
  { name: 's0', chroot: '', auth: [] },
  { name: 's1', chroot: '', auth: [['digest', 'alice:pw']] },
  { name: 's2', chroot: '', auth: [['digest', 'bob:pw'], ['ip', '']] },
  { name: 's3', chroot: '/a', auth: [['digest', 'carol:pw']] },
];

/** Both servers must run with this superDigest (zookeeper.DigestAuthenticationProvider.superDigest). */
export const SUPER_CREDENTIAL = 'super:secret';
export const SUPER_DIGEST = digestId(SUPER_CREDENTIAL);

/** A multi / multiRead operation; `opcode` picks the wire op for creates (create, create2, createContainer, createTTL). */
export type StepOp =
  | { type: 'create'; opcode: number; path: string; data: string | null; acl: ACL[]; flags: number; ttl?: number }
  | { type: 'delete'; path: string; version: number }
  | { type: 'setData'; path: string; data: string | null; version: number }
  | { type: 'check'; path: string; version: number }
  | { type: 'getData'; path: string }
  | { type: 'getChildren'; path: string };

/**
 * A request injected on a session's connection behind its client's back: things the client
 * refuses to send (empty ACLs, invalid paths, bad TTLs, unknown opcodes) and watch removals the
 * client's own bookkeeping would answer locally.
 */
export type RawOp =
  | { type: 'create'; opcode: number; path: string; acl: ACL[]; flags: number; ttl?: number }
  | { type: 'read'; opcode: number; path: string; watch: boolean }
  | { type: 'path'; opcode: number; path: string }
  | { type: 'write'; opcode: number; path: string; version: number }
  | { type: 'watches'; opcode: number; path: string; watcherType: number }
  | { type: 'opcodeOnly'; opcode: number };

export type Step =
  | { kind: 'create'; slot: number; path: string; data: string | null; mode: number; acl: ACL[]; ttl?: number }
  | { kind: 'delete'; slot: number; path: string; version: number }
  | { kind: 'setData'; slot: number; path: string; data: string | null; version: number }
  | { kind: 'getData' | 'exists' | 'getChildren'; slot: number; path: string; watch: boolean }
  | { kind: 'getACL' | 'sync' | 'getEphemerals' | 'getAllChildrenNumber'; slot: number; path: string }
  | { kind: 'setACL'; slot: number; path: string; acl: ACL[]; version: number }
  | { kind: 'multi' | 'multiRead'; slot: number; ops: StepOp[] }
  | { kind: 'addWatch'; slot: number; path: string; mode: number }
  | { kind: 'removeWatches'; slot: number; path: string; watcherType: number; specific: boolean }
  | { kind: 'whoAmI'; slot: number }
  | { kind: 'addAuth'; slot: number; scheme: string; auth: string }
  /** close: closeSession, then a new session in the slot. expire: cut the slot off until the server expires it, then a new one. */
  | { kind: 'close' | 'expire'; slot: number }
  /** disconnect: cut the connection and hold reconnects (the session lives on); reconnect: let it through. */
  | { kind: 'disconnect' | 'reconnect'; slot: number }
  | { kind: 'raw'; slot: number; op: RawOp };

export type StepKind = Step['kind'];

/** The steps whose events legitimately come in hash order on Apache ZooKeeper (a session's ephemerals are a HashSet). */
export function endsSession(step: Step): boolean {
  return step.kind === 'close' || step.kind === 'expire' || (step.kind === 'addAuth' && !knownAuthScheme(step.scheme));
}

export function knownAuthScheme(scheme: string): boolean {
  return scheme === 'digest' || scheme === 'ip';
}

/** In a step's path, this segment stands for the newest sequential node created under its parent in this run. */
export const SEQ_REF = '$';

export function describeStep(step: Step): string {
  return JSON.stringify(step, (_key, value: unknown) => (typeof value === 'string' ? abbreviate(value) : value));
}

/** Long runs of one character (the generator's large data values) as 'y×167', to keep reports readable. */
export function abbreviate(text: string): string {
  return text.length > 40 && /^(.)\1*$/s.test(text) ? `${text[0]}×${text.length}` : text;
}
