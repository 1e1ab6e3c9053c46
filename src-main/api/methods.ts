// The API's method and event names as values, so both transports can refuse anything else.
import type { ApiEventName, ApiMethod } from './types';

// `satisfies Record<ApiMethod, true>` makes the compiler reject a method missing from this list.
const methodTable = {
  'connections.list': true,
  'connections.save': true,
  'connections.remove': true,
  'session.open': true,
  'session.close': true,
  'session.info': true,
  'node.children': true,
  'node.get': true,
  'node.stat': true,
  'node.create': true,
  'node.set': true,
  'node.delete': true,
  'node.countSubtree': true,
  'node.deleteAll': true,
  'shell.run': true,
  'monitor.list': true,
  'monitor.save': true,
  'monitor.remove': true,
  'monitor.discover': true,
  'monitor.start': true,
  'monitor.stop': true,
  'monitor.latest': true,
  'monitor.history': true,
  'monitor.marks': true,
  'monitor.alerts': true,
  'monitor.exportCsv': true,
  'lab.list': true,
  'lab.create': true,
  'lab.remove': true,
  'lab.start': true,
  'lab.stop': true,
  'lab.status': true,
  'lab.serverFault': true,
  'lab.cutLink': true,
  'lab.slowLink': true,
  'lab.healLink': true,
  'lab.healLinks': true,
  'lab.partition': true,
  'lab.runs': true,
  'lab.events': true,
  'lab.faults': true,
  'lab.metrics': true,
  'lab.startLoad': true,
  'lab.stopLoad': true,
} as const satisfies Record<ApiMethod, true>;

const eventTable = {
  'session.state': true,
  'node.changed': true,
  'shell.output': true,
  'monitor.sample': true,
  'monitor.alert': true,
  'lab.status': true,
  'lab.events': true,
  'lab.fault': true,
  'lab.load': true,
} as const satisfies Record<ApiEventName, true>;

export const API_METHODS = Object.keys(methodTable) as ApiMethod[];
export const API_EVENTS = Object.keys(eventTable) as ApiEventName[];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && Object.hasOwn(methodTable, name);
}

export function isApiEvent(name: unknown): name is ApiEventName {
  return typeof name === 'string' && Object.hasOwn(eventTable, name);
}

/** Electron IPC channels between preload and main: calls go one way, events the other. */
export const IPC_CALL_CHANNEL = 'zoolab:call';
export const IPC_EVENT_CHANNEL = 'zoolab:event';
