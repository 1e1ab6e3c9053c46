import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../protocol';
import { ExpiryQueue } from './expiry-queue';
import { SessionTracker } from './session-tracker';

describe('ExpiryQueue', () => {
  it('rounds each deadline up to the next multiple of the interval', () => {
    const q = new ExpiryQueue<string>(500, 1000);
    expect(q.nextExpiration).toBe(1500);
    expect(q.update('a', 1000, 1200)).toBe(2500); // 2200 -> 2500
    expect(q.update('b', 1000, 1000)).toBe(2500); // exactly 2000 still goes to the *next* bucket
    expect(q.update('b', 1000, 1100)).toBeNull(); // same bucket: no change
  });

  it('polls one bucket per call and advances by one interval', () => {
    const q = new ExpiryQueue<string>(500, 1000);
    q.update('a', 1000, 1000); // 2500
    expect(q.getWaitTime(1200)).toBe(300);
    expect(q.poll(1499)).toEqual([]);
    expect(q.poll(3000)).toEqual([]); // bucket 1500 is empty
    expect(q.poll(3000)).toEqual([]); // 2000
    expect(q.poll(3000)).toEqual(['a']); // 2500
    expect(q.getWaitTime(3000)).toBe(0); // 3000 is due next
    expect(q.poll(3000)).toEqual([]);
    expect(q.getWaitTime(3000)).toBe(500);
  });

  it('removes elements', () => {
    const q = new ExpiryQueue<string>(100, 0);
    q.update('a', 100, 0);
    expect(q.remove('a')).toBe(200);
    expect(q.remove('a')).toBeUndefined();
    expect(q.poll(1000)).toEqual([]);
  });
});

describe('SessionTracker (SessionTrackerImpl)', () => {
  const make = () => new SessionTracker({ tickTime: 500, serverId: 1, now: 1199340 });

  it('hands out consecutive ids from initializeNextSessionId', () => {
    const t = make();
    expect(t.createSession(4000, 1199340)).toBe(72057672637874176n);
    expect(t.createSession(4000, 1199340)).toBe(72057672637874177n);
    expect(t.sessionCount).toBe(2);
  });

  it('checks sessions: unknown, expired (closing), moved (other owner)', () => {
    const t = make();
    const id = t.createSession(4000, 1199340);
    expect(t.checkSession(99n)).toBe(ErrorCode.UNKNOWNSESSION);
    expect(t.checkGlobalSession(99n)).toBe(ErrorCode.SESSIONEXPIRED);
    expect(t.checkSession(id, 'follower-1')).toBe(ErrorCode.OK); // the first checker becomes the owner
    expect(t.checkSession(id, 'follower-2')).toBe(ErrorCode.SESSIONMOVED);
    expect(t.setOwner(id, 'follower-2')).toBe(ErrorCode.OK);
    expect(t.checkSession(id, 'follower-2')).toBe(ErrorCode.OK);
    t.setSessionClosing(id);
    expect(t.checkSession(id, 'follower-2')).toBe(ErrorCode.SESSIONEXPIRED);
    expect(t.setOwner(id, 'x')).toBe(ErrorCode.SESSIONEXPIRED);
  });

  it('touching moves the deadline; closing sessions cannot be touched', () => {
    const t = new SessionTracker({ tickTime: 500, serverId: 1, now: 1000000 });
    const id = t.createSession(1000, 1000000); // deadline round(1001000) = 1001500
    expect(t.touchSession(id, 1000, 1000900)).toBe(true); // 1001900 -> 1002000
    expect(t.expireSessions(1001600)).toEqual([]);
    const expired = t.expireSessions(1002000);
    expect(expired.map((s) => s.sessionId)).toEqual([id]);
    expect(t.getSession(id)?.isClosing).toBe(true);
    expect(t.touchSession(id, 1000, 1002000)).toBe(false);
    expect(t.touchSession(42n, 1000, 1002000)).toBe(false);
  });

  it('expires every due bucket at once and reports the next wake-up', () => {
    const t = new SessionTracker({ tickTime: 100, serverId: 0, now: 0 });
    const a = t.createSession(200, 0); // 300
    const b = t.createSession(450, 0); // 500
    const c = t.createSession(900, 0); // 1000
    expect(t.getWaitTime(0)).toBe(100);
    expect(t.expireSessions(650).map((s) => s.sessionId)).toEqual([a, b]);
    expect(t.getWaitTime(650)).toBe(50);
    expect(t.expireSessions(1000).map((s) => s.sessionId)).toEqual([c]);
  });

  it('commits on createSession txn and forgets on closeSession txn', () => {
    const t = make();
    const id = t.createSession(4000, 1199340);
    expect(t.commitSession(id, 4000)).toBe(true);
    expect(t.commitSession(id, 4000)).toBe(false);
    expect(t.getSessionTimeout(id)).toBe(4000);
    t.removeSession(id);
    expect(t.isTrackingSession(id)).toBe(false);
    expect(t.getSessionTimeout(id)).toBeUndefined();
    expect(t.expireSessions(10_000_000)).toEqual([]);
  });

  it('tracks committed sessions loaded from a snapshot', () => {
    const t = new SessionTracker({ tickTime: 500, serverId: 1, now: 0, sessionsWithTimeout: new Map([[7n, 4000]]) });
    expect(t.isTrackingSession(7n)).toBe(true);
    expect(t.getSessionExpiryMap()).toEqual(new Map([[4500, [7n]]]));
  });

  it('refuses server ids above 254 with extended types', () => {
    expect(() => new SessionTracker({ tickTime: 500, serverId: 255, now: 0, extendedTypesEnabled: true })).toThrow(/too large/);
    expect(() => new SessionTracker({ tickTime: 500, serverId: 255, now: 0 })).not.toThrow();
  });
});
