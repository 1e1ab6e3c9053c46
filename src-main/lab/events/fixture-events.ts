// Tests' access to the copied events.jsonl files of a real 3-server run: startup, writes through
// leader 3, kill -9 of the leader, election of a new one, and the old leader's restart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEventLine, type ZooEvent } from './zoo-event';

export const FIXTURE_NODES = [1, 2, 3] as const;

/** One server's events, in its file's order. */
export function fixtureEventsOf(node: number): ZooEvent[] {
  const text = readFileSync(join(__dirname, 'fixtures', `server-${node}.jsonl`), 'utf8');
  return text.split('\n').flatMap((line) => parseEventLine(line) ?? []);
}

/** All servers' events merged by time, as one poll of the three files would deliver them. */
export function fixtureEvents(): ZooEvent[] {
  return FIXTURE_NODES.flatMap(fixtureEventsOf).sort((a, b) => a.ts - b.ts);
}
