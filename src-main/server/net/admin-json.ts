// JSON as ZooKeeper's admin server writes it: Jackson's default pretty printer (two-space indent,
// " : " between key and value, "[ a, b ]" arrays, "{ }" and "[ ]" when empty, no final newline),
// longs exact (bigint) and doubles in Java's notation (1.0, 2.75, 1.0E7).

/** A value Java holds as a double: written "1.0", never "1". */
export class JavaDouble {
  constructor(readonly value: number) {}
}

export const javaDouble = (value: number): JavaDouble => new JavaDouble(value);

/** Double.toString(). */
export function javaDoubleString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

export function jacksonPretty(value: unknown): string {
  return write(value, '');
}

function write(v: unknown, indent: string): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string': return quote(v);
    case 'boolean': return v ? 'true' : 'false';
    case 'bigint': return v.toString();
    case 'number':
      if (Number.isInteger(v) && Math.abs(v) < 2 ** 63) return Math.abs(v) < 1e21 ? String(v) : BigInt(v).toString();
      // Jackson writes non-finite doubles as strings by default (WRITE_NAN_AS_STRINGS).
      return Number.isFinite(v) ? javaDoubleString(v) : quote(javaDoubleString(v));
    default: break;
  }
  if (v instanceof JavaDouble) return Number.isFinite(v.value) ? javaDoubleString(v.value) : quote(javaDoubleString(v.value));
  if (v instanceof Date) return String(v.getTime());
  if (Array.isArray(v) || v instanceof Set) return writeArray([...v], indent);
  if (v instanceof Map) return writeObject([...v.entries()].map(([k, x]) => [String(k), x]), indent);
  if (typeof v === 'object') return writeObject(Object.entries(v as Record<string, unknown>), indent);
  return quote(String(v));
}

function writeArray(items: unknown[], indent: string): string {
  if (items.length === 0) return '[ ]';
  return `[ ${items.map((x) => write(x, indent)).join(', ')} ]`;
}

function writeObject(entries: Array<[string, unknown]>, indent: string): string {
  if (entries.length === 0) return '{ }';
  const inner = `${indent}  `;
  const fields = entries.map(([k, x]) => `${inner}${quote(k)} : ${write(x, inner)}`);
  return `{\n${fields.join(',\n')}\n${indent}}`;
}

const shortEscapes: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function quote(s: string): string {
  return `"${s.replace(/["\\\u0000-\u001f]/g, (c) => shortEscapes[c] ?? `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`)}"`;
}
