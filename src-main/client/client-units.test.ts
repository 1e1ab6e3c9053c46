import { describe, expect, it } from 'vitest';
import { parseConnectString } from './connect-string';
import { WatchRegistry } from './watch-registry';
import { EventType, WatcherType } from '../protocol/constants';

describe('connect strings', () => {
  it('parses hosts, default ports, IPv6 and a chroot', () => {
    expect(parseConnectString('a:1,b,[::1]:3/app/x')).toEqual({
      hosts: [{ host: 'a', port: 1 }, { host: 'b', port: 2181 }, { host: '::1', port: 3 }],
      chroot: '/app/x',
    });
    expect(parseConnectString('h:2181/').chroot).toBe('');
  });

  it('explains what is wrong', () => {
    expect(() => parseConnectString('')).toThrow(/empty/);
    expect(() => parseConnectString('h:99999')).toThrow(/bad port/);
    expect(() => parseConnectString('h:1/bad/')).toThrow(/must not end with \//);
  });
});

describe('client watch registry', () => {
  const w1 = () => {};
  const w2 = () => {};

  it('consumes one-shot watches and keeps persistent ones', () => {
    const reg = new WatchRegistry();
    reg.addData('/a', w1);
    reg.addPersistent('/a', w2, false);
    expect([...reg.materialize(EventType.NodeDataChanged, '/a')]).toEqual([w1, w2]);
    expect([...reg.materialize(EventType.NodeDataChanged, '/a')]).toEqual([w2]);
  });

  it('sends recursive watches every event below them except child-list changes', () => {
    const reg = new WatchRegistry();
    reg.addPersistent('/', w1, true);
    expect(reg.materialize(EventType.NodeCreated, '/x/y').has(w1)).toBe(true);
    expect(reg.materialize(EventType.NodeChildrenChanged, '/x').has(w1)).toBe(false);
  });

  it('NodeDeleted reaches data, exist and child watches', () => {
    const reg = new WatchRegistry();
    reg.addExist('/a', w1);
    reg.addChild('/a', w2);
    expect(reg.materialize(EventType.NodeDeleted, '/a').size).toBe(2);
    expect(reg.isEmpty()).toBe(true);
  });

  it('removes by watcher and type', () => {
    const reg = new WatchRegistry();
    reg.addData('/a', w1);
    reg.addChild('/a', w1);
    expect(reg.hasMatching('/a', w2, WatcherType.Data)).toBe(false);
    expect(reg.remove('/a', w1, WatcherType.Data)).toBe(true);
    expect(reg.hasMatching('/a', null, WatcherType.Data)).toBe(false);
    expect(reg.hasMatching('/a', null, WatcherType.Children)).toBe(true);
  });
});
