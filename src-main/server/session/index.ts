export * from './session-tracker';
export * from './session-id';
export { ExpiryQueue } from './expiry-queue';
