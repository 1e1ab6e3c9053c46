export { runDifferential, formatReport, type DiffOptions, type DiffReport, type DiffMismatch } from './runner';
export { generateSteps, type GeneratorOptions } from './generator';
export { SLOTS, SUPER_CREDENTIAL, SUPER_DIGEST, type Step } from './steps';
export type { StepOutcome } from './normalize';
export { startDiffReference } from './diff-server';
