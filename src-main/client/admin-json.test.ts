import { describe, expect, it } from 'vitest';
import { parseJsonExact } from './admin-json';

describe('parseJsonExact', () => {
  it('keeps integers beyond 2^53 exact as bigint', () => {
    expect(parseJsonExact('{"session_id" : 72057614716174336}')).toEqual({ session_id: 72057614716174336n });
    expect(parseJsonExact('[-9223372036854775808, 9007199254740991]')).toEqual([-9223372036854775808n, 9007199254740991]);
  });

  it('parses everything else as JSON.parse does', () => {
    const text = '{ "a" : [ 1, -2.5, 1e3, 0.0, true, false, null ], "b" : { }, "c" : [ ], "d" : "x\\"y\\u00e9\\n" }';
    expect(parseJsonExact(text)).toEqual(JSON.parse(text));
  });

  it('does not let a "__proto__" key replace the prototype', () => {
    const value = parseJsonExact('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
  });

  it('rejects what is not JSON, naming the position', () => {
    for (const bad of ['', '{', '{"a" 1}', '[1,]', '01', '"\u0001"', '{"a":1} x', 'nul', "{'a':1}"]) {
      expect(() => parseJsonExact(bad), bad).toThrow(SyntaxError);
    }
    expect(() => parseJsonExact('[1, x]')).toThrow(/position 4/);
  });
});
