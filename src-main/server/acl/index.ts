export * from './acl';
export * from './acl-cache';
export * from './providers';
