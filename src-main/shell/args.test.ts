import { describe, expect, it } from 'vitest';
import { decodeJavaInt, OptionParseError, parseJavaInt, parseJavaLong, parseOptions, tokenizeLine } from './args';

describe('tokenizeLine (zkCli quoting)', () => {
  it('splits on whitespace and ignores runs of it', () => {
    expect(tokenizeLine('  ls   -s\t/a  ')).toEqual(['ls', '-s', '/a']);
    expect(tokenizeLine('')).toEqual([]);
    expect(tokenizeLine('   ')).toEqual([]);
  });

  it('groups quoted words and strips the quotes', () => {
    expect(tokenizeLine('create /a "hello world"')).toEqual(['create', '/a', 'hello world']);
    expect(tokenizeLine("set /a 'x y'")).toEqual(['set', '/a', 'x y']);
    expect(tokenizeLine('set /a "it\'s"')).toEqual(['set', '/a', "it's"]);
    expect(tokenizeLine('set /a ""')).toEqual(['set', '/a', '']);
  });

  it('keeps quotes inside a word and splits after them, as zkCli does', () => {
    expect(tokenizeLine('create /q2 a"b c"')).toEqual(['create', '/q2', 'a"b', 'c"']);
  });

  it('drops an unmatched opening quote', () => {
    expect(tokenizeLine('create /q "unterminated')).toEqual(['create', '/q', 'unterminated']);
    expect(tokenizeLine("create /q 'a b")).toEqual(['create', '/q', 'a', 'b']);
  });

  it('treats only ASCII whitespace as a separator', () => {
    expect(tokenizeLine('set /a x\u00a0y')).toEqual(['set', '/a', 'x\u00a0y']);
  });
});

describe('parseOptions (commons-cli DefaultParser)', () => {
  const spec = { flags: 'sR', valued: 'v' };
  const parse = (line: string) => {
    const r = parseOptions(tokenizeLine(line), spec);
    return { options: Object.fromEntries(r.options), args: r.args };
  };

  it('separates options from positional words, wherever they are', () => {
    expect(parse('set -s -v 3 /a data')).toEqual({ options: { s: true, v: '3' }, args: ['set', '/a', 'data'] });
    expect(parse('set /a data -s')).toEqual({ options: { s: true }, args: ['set', '/a', 'data'] });
  });

  it('accepts concatenated flags and attached values', () => {
    expect(parse('x -sR /a')).toEqual({ options: { s: true, R: true }, args: ['x', '/a'] });
    expect(parse('x -v3 /a')).toEqual({ options: { v: '3' }, args: ['x', '/a'] });
    expect(parse('x -sv3 /a')).toEqual({ options: { s: true, v: '3' }, args: ['x', '/a'] });
    expect(parse('x -v=3 /a')).toEqual({ options: { v: '3' }, args: ['x', '/a'] });
  });

  it('takes a negative number as a value, and any non-option word', () => {
    expect(parse('x -v -1 /a')).toEqual({ options: { v: '-1' }, args: ['x', '/a'] });
    expect(parse('x -v /a')).toEqual({ options: { v: '/a' }, args: ['x'] });
  });

  it('stops at --', () => {
    expect(parse('ls -- -s')).toEqual({ options: {}, args: ['ls', '-s'] });
  });

  it('keeps a lone dash as a word', () => {
    expect(parse('set /a -')).toEqual({ options: {}, args: ['set', '/a', '-'] });
  });

  it("rejects what commons-cli rejects, with its message", () => {
    const error = (line: string) => {
      try {
        parse(line);
      } catch (err) {
        expect(err).toBeInstanceOf(OptionParseError);
        return (err as Error).message;
      }
      return 'no error';
    };
    expect(error('ls -x /a')).toBe('Unrecognized option: -x');
    expect(error('create /a -1')).toBe('Unrecognized option: -1');
    expect(error('delete --v 1 /a')).toBe('Unrecognized option: --v');
    expect(error('x -sx /a')).toBe('Unrecognized option: -sx');
    expect(error('x -s=1 /a')).toBe('Unrecognized option: -s=1');
    expect(error('set /a d -v')).toBe('Missing argument for option: v');
    expect(error('set -v -s /a d')).toBe('Missing argument for option: v');
  });
});

describe('Java number parsing', () => {
  it('parseJavaInt is Integer.parseInt', () => {
    expect(parseJavaInt('42')).toBe(42);
    expect(parseJavaInt('-1')).toBe(-1);
    expect(parseJavaInt('+7')).toBe(7);
    expect(parseJavaInt('2147483647')).toBe(2147483647);
    expect(parseJavaInt('2147483648')).toBeNull();
    expect(parseJavaInt('1.5')).toBeNull();
    expect(parseJavaInt('abc')).toBeNull();
    expect(parseJavaInt('')).toBeNull();
  });

  it('parseJavaLong is Long.parseLong', () => {
    expect(parseJavaLong('1099511627775')).toBe(1099511627775n);
    expect(parseJavaLong('9223372036854775807')).toBe(9223372036854775807n);
    expect(parseJavaLong('9223372036854775808')).toBeNull();
    expect(parseJavaLong('1e3')).toBeNull();
  });

  it('decodeJavaInt is Integer.decode', () => {
    expect(decodeJavaInt('10')).toBe(10);
    expect(decodeJavaInt('0x10')).toBe(16);
    expect(decodeJavaInt('#f')).toBe(15);
    expect(decodeJavaInt('010')).toBe(8);
    expect(decodeJavaInt('0')).toBe(0);
    expect(decodeJavaInt('-3')).toBe(-3);
    expect(decodeJavaInt('08')).toBeNull();
    expect(decodeJavaInt('x')).toBeNull();
  });
});
