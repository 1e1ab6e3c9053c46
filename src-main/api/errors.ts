// Every failure crosses the transport as an ApiError: a ZooKeeper code when there is one, and words.
import { ZooKeeperError, ErrorCode, errorName } from '../protocol';
import type { ApiError } from './types';

/** A failure the API reports itself (bad input, unknown session); codeName may be API-specific. */
export class ApiFailure extends Error {
  constructor(
    message: string,
    readonly code: number | null = null,
    readonly codeName: string | null = code === null ? null : errorName(code),
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Bad arguments: the ZooKeeper code a server would give, with what was wrong. */
export function badArguments(message: string): ApiFailure {
  return new ApiFailure(message, ErrorCode.BADARGUMENTS);
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ZooKeeperError || err instanceof ApiFailure) {
    return { code: err.code, codeName: err.codeName, message: err.message };
  }
  if (err instanceof Error) {
    // Invalid paths and connect strings are the caller's arguments; say so the way ZooKeeper would.
    if (err.name === 'InvalidPathError') return { code: ErrorCode.BADARGUMENTS, codeName: 'BADARGUMENTS', message: err.message };
    return { code: null, codeName: null, message: err.message || 'unexpected error' };
  }
  return { code: null, codeName: null, message: String(err) };
}
