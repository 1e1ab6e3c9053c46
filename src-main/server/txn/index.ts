export * from './records';
export * from './write-request';
export * from './prep';
export type { PrepOptions, PrepSessions } from './prep-ops';
export * from './apply';
export { OutstandingChanges, type ChangeRecord } from './change-records';
