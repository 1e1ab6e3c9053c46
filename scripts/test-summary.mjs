// Adds up the unit and end-to-end results into one closing line: "tests: N passed, N failed, N skipped".
// Under CI=true a skipped test fails the run: every suite's dependencies are installed there.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const skippedNames = [];
for (const name of ['unit', 'e2e']) {
  const report = JSON.parse(readFileSync(new URL(`../test-results/${name}.json`, import.meta.url), 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  for (const file of report.testResults) {
    for (const t of file.assertionResults) if (t.status === 'pending' || t.status === 'skipped' || t.status === 'todo') skippedNames.push(t.fullName);
  }
}
if (skippedNames.length) console.log(`skipped:\n  ${skippedNames.join('\n  ')}`);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (failed > 0 || (process.env.CI === 'true' && skipped > 0)) process.exitCode = 1;
