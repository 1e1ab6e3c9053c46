import { createHash } from 'node:crypto';

/** The digest scheme's id for user:password: user:base64(sha1(user:password)). */
export function digestId(userPassword: string): string {
  const user = userPassword.split(':')[0];
  return `${user}:${createHash('sha1').update(userPassword, 'utf8').digest('base64')}`;
}
