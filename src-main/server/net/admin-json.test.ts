import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { jacksonPretty, javaDouble, javaDoubleString } from './admin-json';

const testdata = path.join(__dirname, '../../client/testdata/admin-3.8');

describe('Java doubles', () => {
  test.each([
    [0, '0.0'], [-0, '-0.0'], [1, '1.0'], [2.75, '2.75'], [0.5833, '0.5833'], [0.001, '0.001'], [1e-4, '1.0E-4'],
    [1.234e-5, '1.234E-5'], [9999999, '9999999.0'], [1e7, '1.0E7'], [12345678.9, '1.23456789E7'], [NaN, 'NaN'],
  ])('%s → %s', (x, text) => expect(javaDoubleString(x)).toBe(text));
});

describe("Jackson's pretty printer", () => {
  test('reproduces a real ZooKeeper 3.8 admin answer byte for byte', () => {
    const real = readFileSync(path.join(testdata, 'standalone-connections.json'), 'utf8');
    const value = {
      connections: [{
        remote_socket_address: '127.0.0.1:35946', interest_ops: 1, outstanding_requests: 0, packets_received: 1, packets_sent: 1,
        session_id: 72057614716174336n, last_operation: 'PING', established: 1795305436892, session_timeout: 30000, last_cxid: -1,
        last_zxid: 4n, last_response_time: 335263, last_latency: 1, min_latency: 1, avg_latency: 1, max_latency: 1,
      }],
      secure_connections: [],
      command: 'connections',
      error: null,
    };
    expect(jacksonPretty(value)).toBe(real);
  });

  test('doubles, dates, maps, sets and escapes', () => {
    expect(jacksonPretty({ d: javaDouble(3), n: 2.5, t: new Date(5), m: new Map([['k', [true]]]), s: new Set(['a']) }))
      .toBe('{\n  "d" : 3.0,\n  "n" : 2.5,\n  "t" : 5,\n  "m" : {\n    "k" : [ true ]\n  },\n  "s" : [ "a" ]\n}');
    expect(jacksonPretty('q"\\\n\u0001é/')).toBe('"q\\"\\\\\\n\\u0001é/"');
    expect(jacksonPretty([{ a: 1 }, { b: { } }])).toBe('[ {\n  "a" : 1\n}, {\n  "b" : { }\n} ]');
  });
});
