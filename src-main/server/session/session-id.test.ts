import { describe, expect, it } from 'vitest';
import { JavaRandom } from './java-random';
import { checkPasswd, generatePasswd, initializeNextSessionId, negotiateSessionTimeout, sessionTimeoutBounds } from './session-id';

// Expected values were printed by OpenJDK 17 running ZooKeeper's formulas.
describe('java.util.Random', () => {
  it('produces the JDK sequence', () => {
    const r = new JavaRandom(42n);
    expect([r.nextInt(), r.nextInt(), r.nextInt()]).toEqual([-1170105035, 234785527, -1360544799]);
  });
});

describe('session ids (SessionTrackerImpl.initializeNextSessionId)', () => {
  it('puts the server id in the top byte and the monotonic clock below it', () => {
    expect(initializeNextSessionId(1, 1199340)).toBe(72057672637874176n); // a real standalone 3.8.0 session
    expect(initializeNextSessionId(0, 1199340)).toBe(78599946240n);
    expect(initializeNextSessionId(5, 1199340)).toBe(360288048789585920n);
    expect(initializeNextSessionId(255, 1199340)).toBe(-72057515437981696n);
    expect(initializeNextSessionId(1, 1795306367388)).toBe(117657198093139968n);
    expect(initializeNextSessionId(255, 123456789012)).toBe(-63966729913237504n);
  });

  it('keeps only 40 bits of the clock (<< 24 then >>> 8)', () => {
    expect(initializeNextSessionId(0, 1795306367388)).toBe(45599604055212032n);
    expect(initializeNextSessionId(1, 0)).toBe(72057594037927936n);
  });

  it('skips the container marker', () => {
    expect(initializeNextSessionId(128, 0)).toBe(-(1n << 63n) + 1n);
  });
});

describe('session passwords (ZooKeeperServer.generatePasswd)', () => {
  it('matches Random(id ^ superSecret).nextBytes(16)', () => {
    expect(generatePasswd(72057672637874176n).toString('hex')).toBe('f6981d1e4b56648dc4eb64980cc31c75');
    expect(generatePasswd(1n).toString('hex')).toBe('054cc74a37327db215e702e20c73f005');
    expect(generatePasswd(-1n).toString('hex')).toBe('20f62cb5648dc2d771471c8a2486a9ee');
    expect(generatePasswd(72058845037789184n).toString('hex')).toBe('4be494d27cc739baa123244a251a7415');
  });

  it('checks a password, never for session 0', () => {
    expect(checkPasswd(1n, Buffer.from('054cc74a37327db215e702e20c73f005', 'hex'))).toBe(true);
    expect(checkPasswd(1n, Buffer.alloc(16))).toBe(false);
    expect(checkPasswd(0n, generatePasswd(0n))).toBe(false);
  });
});

describe('session timeout negotiation (processConnectRequest)', () => {
  it('defaults to 2 and 20 ticks', () => {
    expect(sessionTimeoutBounds({ tickTime: 2000 })).toEqual({ min: 4000, max: 40000 });
    expect(sessionTimeoutBounds({ tickTime: 2000, minSessionTimeout: -1, maxSessionTimeout: -1 })).toEqual({ min: 4000, max: 40000 });
  });

  it('clamps into [min, max]', () => {
    const b = { tickTime: 500 };
    expect(negotiateSessionTimeout(100, b)).toBe(1000);
    expect(negotiateSessionTimeout(5000, b)).toBe(5000);
    expect(negotiateSessionTimeout(60000, b)).toBe(10000);
  });

  it('applies min first, so a max below min wins', () => {
    expect(negotiateSessionTimeout(100, { tickTime: 500, minSessionTimeout: 3000, maxSessionTimeout: 2000 })).toBe(2000);
  });
});
