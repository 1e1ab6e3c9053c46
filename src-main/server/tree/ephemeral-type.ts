// What a znode's ephemeralOwner means (EphemeralType in ZooKeeper): 0 is a plain node, a session id
// an ephemeral, 0x8000000000000000 a container, and — only when extended types are enabled — a high
// byte of 0xff marks an extended type whose low 40 bits carry its value (a TTL in milliseconds).

export const EphemeralKind = {
  VOID: 'VOID',
  NORMAL: 'NORMAL',
  CONTAINER: 'CONTAINER',
  TTL: 'TTL',
} as const;
export type EphemeralKindValue = (typeof EphemeralKind)[keyof typeof EphemeralKind];

export const CONTAINER_EPHEMERAL_OWNER = -(1n << 63n);
/** Server ids above this cannot be used with extended types (their session ids would look extended). */
export const MAX_EXTENDED_SERVER_ID = 0xfe;

const EXTENDED_MASK = BigInt.asIntN(64, 0xff00000000000000n);
const RESERVED_BITS_MASK = 0x00ffff0000000000n;
const RESERVED_BITS_SHIFT = 40n;
const EXTENDED_BIT_TTL = 0n;
/** The largest TTL (ms): the 40 value bits of an extended owner, about 34 years. */
export const MAX_TTL = Number(~(EXTENDED_MASK | RESERVED_BITS_MASK) & 0xffffffffffffffffn);

export class InvalidEphemeralOwnerError extends Error {}

/** EphemeralType.get: throws for an extended owner with an unknown feature, as ZooKeeper does. */
export function ephemeralKind(owner: bigint, extendedTypesEnabled: boolean): EphemeralKindValue {
  if (extendedTypesEnabled && (owner & EXTENDED_MASK) === EXTENDED_MASK) {
    const feature = (owner & RESERVED_BITS_MASK) >> RESERVED_BITS_SHIFT;
    if (feature !== EXTENDED_BIT_TTL) {
      throw new InvalidEphemeralOwnerError(`Invalid ephemeralOwner. [${BigInt.asUintN(64, owner).toString(16)}]`);
    }
    return EphemeralKind.TTL;
  }
  if (owner === CONTAINER_EPHEMERAL_OWNER) return EphemeralKind.CONTAINER;
  return owner === 0n ? EphemeralKind.VOID : EphemeralKind.NORMAL;
}

export function isValidTTL(ttl: number): boolean {
  return Number.isInteger(ttl) && ttl > 0 && ttl <= MAX_TTL;
}

/** EphemeralType.TTL.toEphemeralOwner; the caller has checked isValidTTL. */
export function ttlToEphemeralOwner(ttl: number): bigint {
  return BigInt.asIntN(64, EXTENDED_MASK | BigInt(ttl));
}

/** EphemeralType.TTL.getValue: the TTL carried by an extended owner. */
export function ttlOfEphemeralOwner(owner: bigint): number {
  return Number(owner & ~(EXTENDED_MASK | RESERVED_BITS_MASK) & 0xffffffffffffffffn);
}
