// Errors as the user sees them. Every failure from the host arrives as an ApiError shape; this turns
// it (or anything else thrown) into one Error class whose message is words, never a stack trace.

import type { ApiError } from '../../../src-main/api/types';

/** ZooKeeper's error codes the renderer reacts to (the host passes ZooKeeper's own codes through). */
export const ZkCode = {
  NONODE: -101,
  BADVERSION: -103,
  NOTEMPTY: -111,
} as const;

export class ApiCallError extends Error implements ApiError {
  readonly code: number | null;
  readonly codeName: string | null;

  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.codeName = error.codeName;
  }
}

function looksLikeApiError(value: unknown): value is ApiError {
  return typeof value === 'object' && value !== null && typeof (value as ApiError).message === 'string';
}

export function toApiCallError(err: unknown): ApiCallError {
  if (err instanceof ApiCallError) return err;
  if (looksLikeApiError(err)) {
    return new ApiCallError({
      code: typeof err.code === 'number' ? err.code : null,
      codeName: typeof err.codeName === 'string' ? err.codeName : null,
      message: err.message,
    });
  }
  return new ApiCallError({ code: null, codeName: null, message: String(err) });
}

/** One line a person can read, for toasts and the status bar: the words, without the code name. */
export function errorText(err: unknown): string {
  const e = toApiCallError(err);
  let text = e.message.trim() || 'Something went wrong';
  if (e.codeName && text.startsWith(`${e.codeName}: `)) text = text.slice(e.codeName.length + 2);
  return text.charAt(0).toUpperCase() + text.slice(1);
}
