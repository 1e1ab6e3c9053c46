// How znode bytes are shown: pick a readable mode automatically and render bytes in any mode.
// Pure functions (no DOM), so they are unit-tested and shared by the viewer and the editor.

export type DataMode = 'text' | 'json' | 'hex' | 'base64';

export const dataModes: readonly DataMode[] = ['text', 'json', 'hex', 'base64'];

export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export function bytesToBase64(bytes: Uint8Array): string {
  // Chunked so String.fromCharCode never sees more arguments than the engine allows.
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

export function utf8ToBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** The bytes as UTF-8 text, or null when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Text a person can read: no control characters other than tab, newline and carriage return. */
export function isPrintable(text: string): boolean {
  return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
}

/** JSON objects and arrays only: a bare number or word reads better as plain text. */
export function parseJsonDocument(text: string): unknown | undefined {
  const t = text.trim();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  try {
    return JSON.parse(t);
  } catch {
    return undefined;
  }
}

export function detectDataMode(bytes: Uint8Array): DataMode {
  if (bytes.length === 0) return 'text';
  const text = decodeUtf8(bytes);
  if (text === null || !isPrintable(text)) return 'hex';
  return parseJsonDocument(text) === undefined ? 'text' : 'json';
}

const hexDigits = '0123456789abcdef';

function hexByte(b: number): string {
  return hexDigits[b >> 4] + hexDigits[b & 15];
}

/** `xxd`-style dump: offset, 16 bytes in two groups of 8, and the printable ASCII column. */
export function hexDump(bytes: Uint8Array, maxBytes = Infinity): string {
  const end = Math.min(bytes.length, maxBytes);
  const lines: string[] = [];
  for (let off = 0; off < end; off += 16) {
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      if (i === 8) hex += ' ';
      const at = off + i;
      if (at < end) {
        const b = bytes[at];
        hex += hexByte(b) + ' ';
        ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
      } else {
        hex += '   ';
      }
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  return lines.join('\n');
}

/** The bytes shown in `mode`. Modes that cannot show the bytes faithfully say so instead of guessing. */
export function renderData(bytes: Uint8Array, mode: DataMode, maxBytes = Infinity): string {
  switch (mode) {
    case 'hex':
      return hexDump(bytes, maxBytes);
    case 'base64':
      return bytesToBase64(bytes);
    case 'json': {
      const text = new TextDecoder().decode(bytes);
      const doc = parseJsonDocument(text);
      return doc === undefined ? text : JSON.stringify(doc, null, 2);
    }
    case 'text':
      return new TextDecoder().decode(bytes);
  }
}

export function formatByteSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KiB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}
