import { expect, it } from 'vitest';
import { connectStringProblem } from './connect-string';

it('accepts the connect strings ZooKeeper accepts', () => {
  for (const s of ['127.0.0.1:2181', 'zk1:2181,zk2:2181,zk3:2181/app', 'localhost', '[::1]:2181', 'zk1:2181/a/b']) {
    expect(connectStringProblem(s)).toBeNull();
  }
});

it('says what is wrong with a bad one', () => {
  expect(connectStringProblem('')).toMatch(/at least one server/);
  expect(connectStringProblem('/chroot')).toMatch(/before the chroot/);
  expect(connectStringProblem('zk1:99999')).toMatch(/out of range/);
  expect(connectStringProblem('zk1:21a1')).toMatch(/not host:port/);
  expect(connectStringProblem('zk1:2181/app/')).toMatch(/must not end/);
  expect(connectStringProblem('zk1:2181,,zk2:2181')).toMatch(/not host:port/);
});
