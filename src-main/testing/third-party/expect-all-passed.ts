// The one check every third-party suite ends with, whichever server it ran against.
import { expect } from 'vitest';
import type { CheckResult } from './common';

/** Every check passed (the failures are printed), and the suite ran at least `atLeast` of them. */
export function expectAllPassed(results: CheckResult[], atLeast: number): void {
  const failed = results.filter((r) => !r.ok);
  expect(failed, JSON.stringify(failed, null, 2)).toEqual([]);
  expect(results.length).toBeGreaterThanOrEqual(atLeast);
}
