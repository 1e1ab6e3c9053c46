export * from './watch-manager';
export * from './notification';
