import { describe, expect, it } from 'vitest';
import { QuorumTransport, type Delivery, type Outgoing } from './quorum-transport';

const b = (s: string) => Buffer.from(s);
const show = (d: Delivery) => ('closed' in d ? `${d.side} closed` : `${d.side} ${d.packet.toString()}`);

/** Learner 2 (connections 2000+) talking to leader 9. */
function pair() {
  const learner = new QuorumTransport(2000);
  const leader = new QuorumTransport(9000);
  const seen: string[] = [];
  const pass = (from: number, to: QuorumTransport, msgs: Outgoing[]) => {
    const replies: Outgoing[] = [];
    for (const { msg } of msgs) to.receive(from, msg, replies, (d) => seen.push(show(d)));
    return replies;
  };
  return { learner, leader, seen, pass };
}

describe('QuorumTransport', () => {
  it('delivers each packet once and in order, whatever the network did to them', () => {
    const { learner, leader, seen, pass } = pair();
    const out: Outgoing[] = [];
    learner.connectLeader(9, out);
    for (const p of ['a', 'b', 'c', 'd']) learner.sendLeader(b(p), out);
    pass(2, leader, [out[2], out[0], out[0], out[3], out[1], out[2]]);
    expect(seen).toEqual(['learner a', 'learner b', 'learner c', 'learner d']);
  });

  it('stalls behind a lost packet, as TCP does', () => {
    const { learner, leader, seen, pass } = pair();
    const out: Outgoing[] = [];
    learner.connectLeader(9, out);
    for (const p of ['a', 'b', 'c']) learner.sendLeader(b(p), out);
    pass(2, leader, [out[0], out[2]]);
    expect(seen).toEqual(['learner a']);
  });

  it('closes after the data sent before FIN, and a newer connection supersedes an older one', () => {
    const { learner, leader, seen, pass } = pair();
    const first: Outgoing[] = [];
    learner.connectLeader(9, first);
    learner.sendLeader(b('a'), first);
    learner.sendLeader(b('b'), first);
    learner.closeLeader(first);
    pass(2, leader, [first[2], first[0], first[1]]);
    expect(seen).toEqual(['learner a', 'learner b', 'learner closed']);
    const second: Outgoing[] = [];
    learner.connectLeader(9, second);
    learner.sendLeader(b('c'), second);
    pass(2, leader, [...second, first[0]]);
    expect(seen.slice(3)).toEqual(['learner c']);
    const down: Outgoing[] = [];
    leader.sendLearner(2, b('reply'), down);
    pass(9, learner, down);
    expect(seen.at(-1)).toBe('leader reply');
  });

  it('resets a connection the other side does not know (it restarted)', () => {
    const { learner, leader, seen, pass } = pair();
    const out: Outgoing[] = [];
    learner.connectLeader(9, out);
    learner.sendLeader(b('a'), out);
    pass(2, leader, out);
    const down: Outgoing[] = [];
    leader.sendLearner(2, b('x'), down);
    const restarted = new QuorumTransport(3000);
    const rst: Outgoing[] = [];
    restarted.receive(9, down[0].msg, rst, () => {});
    expect(rst.map((o) => o.msg.kind)).toEqual(['rst']);
    pass(2, leader, rst);
    expect(seen).toEqual(['learner a', 'learner closed']);
    expect(leader.hasLearner(2)).toBe(false);
  });
});
