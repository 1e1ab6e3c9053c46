// One line of a server's events.jsonl, parsed, and typed reads of its free-form fields.

/** An event as the server wrote it: timestamp in microseconds, server id, type, then its own fields. */
export interface ZooEvent {
  readonly ts: number;
  readonly node: number;
  readonly type: string;
  readonly [field: string]: unknown;
}

/** Parses one line; null for anything that is not a JSON object with numeric ts and node and a string type. */
export function parseEventLine(line: string): ZooEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { ts, node, type } = value as Record<string, unknown>;
  if (typeof ts !== 'number' || !Number.isFinite(ts) || typeof node !== 'number' || typeof type !== 'string') return null;
  return value as ZooEvent;
}

export function numberField(event: ZooEvent, name: string): number | null {
  const v = event[name];
  return typeof v === 'number' ? v : null;
}

export function stringField(event: ZooEvent, name: string): string | null {
  const v = event[name];
  return typeof v === 'string' ? v : null;
}

/** Comma-separated server ids ("1,3"), as the server writes supporters and acks. */
export function idListField(event: ZooEvent, name: string): number[] {
  const v = event[name];
  if (typeof v !== 'string' || v === '') return [];
  return v.split(',').map(Number).filter(Number.isInteger);
}
