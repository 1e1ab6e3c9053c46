import { describe, expect, it } from 'vitest';
import {
  base64ToBytes,
  bytesToBase64,
  decodeUtf8,
  detectDataMode,
  formatByteSize,
  hexDump,
  renderData,
  utf8ToBytes,
} from './data-format';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

describe('detectDataMode', () => {
  it('picks JSON for UTF-8 objects and arrays', () => {
    expect(detectDataMode(utf8ToBytes('{"a": [1, 2]}'))).toBe('json');
    expect(detectDataMode(utf8ToBytes('  [1, 2, 3]\n'))).toBe('json');
  });

  it('keeps scalars, broken JSON and plain words as text', () => {
    expect(detectDataMode(utf8ToBytes('42'))).toBe('text');
    expect(detectDataMode(utf8ToBytes('{"a": '))).toBe('text');
    expect(detectDataMode(utf8ToBytes('server.1=127.0.0.1:2888:3888\nversion=0'))).toBe('text');
    expect(detectDataMode(utf8ToBytes('héllo wörld ✓'))).toBe('text');
    expect(detectDataMode(new Uint8Array())).toBe('text');
  });

  it('falls back to hex for invalid UTF-8 and control characters', () => {
    expect(detectDataMode(bytes(0xff, 0xfe, 0x41))).toBe('hex');
    expect(detectDataMode(bytes(0x41, 0x00, 0x42))).toBe('hex');
    expect(detectDataMode(utf8ToBytes('bell\u0007'))).toBe('hex');
    expect(detectDataMode(utf8ToBytes('tabs\tand\r\nnewlines'))).toBe('text');
  });
});

describe('hexDump', () => {
  it('prints offset, two groups of eight bytes and the ASCII column', () => {
    const dump = hexDump(utf8ToBytes('Hello, ZooKeeper!\n'));
    expect(dump.split('\n')).toEqual([
      '00000000  48 65 6c 6c 6f 2c 20 5a  6f 6f 4b 65 65 70 65 72  |Hello, ZooKeeper|',
      '00000010  21 0a                                             |!.|',
    ]);
  });

  it('stops at maxBytes', () => {
    const dump = hexDump(new Uint8Array(100), 32);
    expect(dump.split('\n')).toHaveLength(2);
  });

  it('is empty for no bytes', () => {
    expect(hexDump(new Uint8Array())).toBe('');
  });
});

describe('base64 and UTF-8', () => {
  it('round-trips arbitrary bytes, including more than one chunk', () => {
    const big = new Uint8Array(70_000).map((_, i) => (i * 31) & 0xff);
    expect(base64ToBytes(bytesToBase64(big))).toEqual(big);
    expect(bytesToBase64(bytes(0, 1, 2, 0xff))).toBe('AAEC/w==');
  });

  it('decodes valid UTF-8 and rejects invalid sequences', () => {
    expect(decodeUtf8(utf8ToBytes('zk ✓'))).toBe('zk ✓');
    expect(decodeUtf8(bytes(0xc3, 0x28))).toBeNull();
  });
});

describe('renderData', () => {
  it('pretty-prints JSON and shows other modes faithfully', () => {
    const data = utf8ToBytes('{"a":1}');
    expect(renderData(data, 'json')).toBe('{\n  "a": 1\n}');
    expect(renderData(data, 'text')).toBe('{"a":1}');
    expect(renderData(data, 'base64')).toBe('eyJhIjoxfQ==');
    expect(renderData(data, 'hex')).toContain('7b 22 61 22');
  });

  it('shows non-JSON text as it is in JSON mode', () => {
    expect(renderData(utf8ToBytes('plain'), 'json')).toBe('plain');
  });
});

it('formats byte sizes', () => {
  expect(formatByteSize(0)).toBe('0 B');
  expect(formatByteSize(1536)).toBe('1.5 KiB');
  expect(formatByteSize(1024 * 1024)).toBe('1.0 MiB');
});
