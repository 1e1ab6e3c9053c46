// Enumerations shared by client and server (Watcher.Event, CreateMode, ZooDefs.Perms, AddWatchMode).

export const EventType = {
  None: -1,
  NodeCreated: 1,
  NodeDeleted: 2,
  NodeDataChanged: 3,
  NodeChildrenChanged: 4,
  DataWatchRemoved: 5,
  ChildWatchRemoved: 6,
  PersistentWatchRemoved: 7,
} as const;
export type EventTypeValue = (typeof EventType)[keyof typeof EventType];

export const KeeperState = {
  Disconnected: 0,
  SyncConnected: 3,
  AuthFailed: 4,
  ConnectedReadOnly: 5,
  SaslAuthenticated: 6,
  Expired: -112,
  Closed: 7,
} as const;
export type KeeperStateValue = (typeof KeeperState)[keyof typeof KeeperState];

function nameOf(table: Record<string, number>, value: number): string {
  for (const [k, v] of Object.entries(table)) if (v === value) return k;
  return `Unknown(${value})`;
}
export const eventTypeName = (v: number): string => nameOf(EventType, v);
export const keeperStateName = (v: number): string => nameOf(KeeperState, v);

/** The flags of a create request (CreateMode.toFlag). */
export const CreateMode = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const;
export type CreateModeValue = (typeof CreateMode)[keyof typeof CreateMode];
export const createModeName = (v: number): string => nameOf(CreateMode, v);

export function isSequential(mode: number): boolean {
  return mode === CreateMode.PERSISTENT_SEQUENTIAL || mode === CreateMode.EPHEMERAL_SEQUENTIAL || mode === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
}
export function isEphemeral(mode: number): boolean {
  return mode === CreateMode.EPHEMERAL || mode === CreateMode.EPHEMERAL_SEQUENTIAL;
}
export function isTTL(mode: number): boolean {
  return mode === CreateMode.PERSISTENT_WITH_TTL || mode === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
}

export const Perms = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  DELETE: 8,
  ADMIN: 16,
  ALL: 31,
} as const;

/** zkCli's letters for permissions, in its order. */
const permLetters: Array<[string, number]> = [
  ['c', Perms.CREATE],
  ['d', Perms.DELETE],
  ['r', Perms.READ],
  ['w', Perms.WRITE],
  ['a', Perms.ADMIN],
];

export function permsToString(perms: number): string {
  return permLetters.map(([l, bit]) => (perms & bit ? l : '')).join('');
}

export function parsePerms(text: string): number {
  let perms = 0;
  for (const ch of text.toLowerCase()) {
    const entry = permLetters.find(([l]) => l === ch);
    if (!entry) throw new Error(`unknown permission letter '${ch}' (use c, d, r, w, a)`);
    perms |= entry[1];
  }
  return perms;
}

export const AddWatchMode = {
  PERSISTENT: 0,
  PERSISTENT_RECURSIVE: 1,
} as const;

/** WatcherType of removeWatches and checkWatches. */
export const WatcherType = {
  Children: 1,
  Data: 2,
  Any: 3,
} as const;
