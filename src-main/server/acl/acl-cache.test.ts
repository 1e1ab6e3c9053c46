import { describe, expect, it } from 'vitest';
import type { ACL } from '../../protocol';
import { JuteReader, JuteWriter } from '../../protocol';
import { OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from './acl';
import { OPEN_UNSAFE_ACL_ID, ReferenceCountedACLCache } from './acl-cache';

const DIGEST: ACL[] = [{ perms: 31, id: { scheme: 'digest', id: 'u:h' } }];

describe('ReferenceCountedACLCache', () => {
  it('shares one long per distinct list and counts users', () => {
    const c = new ReferenceCountedACLCache();
    const a = c.convertAcls([...READ_ACL_UNSAFE]);
    expect(a).toBe(1n);
    expect(c.convertAcls([{ perms: 1, id: { scheme: 'world', id: 'anyone' } }])).toBe(1n);
    expect(c.convertAcls(DIGEST)).toBe(2n);
    expect(c.size).toBe(2);
    c.removeUsage(1n);
    expect(c.size).toBe(2);
    c.removeUsage(1n);
    expect(c.size).toBe(1);
    expect(() => c.convertLong(1n)).toThrow(/Failed to fetch acls/);
  });

  it('allocates a fresh long when the last user re-sets the same list (setACL)', () => {
    const c = new ReferenceCountedACLCache();
    const a = c.convertAcls(DIGEST);
    c.removeUsage(a);
    expect(c.convertAcls(DIGEST)).toBe(a + 1n);
  });

  it('maps -1 and null to OPEN_ACL_UNSAFE without counting', () => {
    const c = new ReferenceCountedACLCache();
    expect(c.convertAcls(null)).toBe(OPEN_UNSAFE_ACL_ID);
    expect(c.convertLong(OPEN_UNSAFE_ACL_ID)).toBe(OPEN_ACL_UNSAFE);
    c.removeUsage(OPEN_UNSAFE_ACL_ID);
    expect(c.size).toBe(0);
  });

  it('round-trips through the snapshot format and purges lists nobody uses', () => {
    const c = new ReferenceCountedACLCache();
    c.convertAcls([...READ_ACL_UNSAFE]);
    c.convertAcls(DIGEST);
    const w = new JuteWriter();
    c.serialize(w);
    const d = new ReferenceCountedACLCache();
    d.deserialize(new JuteReader(Buffer.from(w.toBuffer())));
    expect(d.convertLong(2n)).toEqual(DIGEST);
    d.addUsage(2n);
    d.purgeUnused();
    expect(d.size).toBe(1);
    expect(d.convertAcls([{ perms: 5, id: { scheme: 'world', id: 'anyone' } }])).toBe(3n); // index continues after the max read
  });
});
