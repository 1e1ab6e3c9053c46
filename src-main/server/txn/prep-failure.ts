// How prep signals a rejected request internally. Not Error subclasses: rejections (BADVERSION,
// NODEEXISTS…) are routine under contention and need no stack trace. They never leave prep.

/** A KeeperException: the request becomes an ErrorTxn with this code. */
export class PrepFailure {
  constructor(
    readonly code: number,
    readonly path?: string,
  ) {}
}

/**
 * What Java reports as MARSHALLINGERROR: a request it failed to decode or that made it throw an
 * unchecked exception. Unlike PrepFailure, inside a multi it skips the pending-change rollback.
 */
export class MarshallingFailure {
  constructor(readonly reason: string) {}
}
