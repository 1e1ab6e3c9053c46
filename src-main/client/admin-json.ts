// JSON.parse that keeps 64-bit integers exact. The AdminServer prints session ids and zxids as
// plain JSON numbers (e.g. 72057614716174336), which JSON.parse would round; Node 20's JSON.parse
// gives revivers no access to the source text, so this is a small parser of its own.

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

/** Parses JSON; integers beyond Number.MAX_SAFE_INTEGER become bigint, everything else as JSON.parse. */
export function parseJsonExact(text: string): JsonValue {
  const parser = new Parser(text);
  parser.skipSpace();
  const value = parser.value();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail('unexpected text after the value');
  return value;
}

const NUMBER = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

class Parser {
  private pos = 0;

  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && ' \t\n\r'.includes(this.text[this.pos])) this.pos++;
  }

  fail(what: string): never {
    throw new SyntaxError(`invalid JSON at position ${this.pos}: ${what}`);
  }

  value(): JsonValue {
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    return this.fail(c === undefined ? 'unexpected end' : `unexpected "${c}"`);
  }

  private object(): { [key: string]: JsonValue } {
    const entries: [string, JsonValue][] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return {};
    }
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] !== '"') this.fail('expected a key');
      const key = this.string();
      this.skipSpace();
      this.expect(':');
      this.skipSpace();
      entries.push([key, this.value()]);
      this.skipSpace();
      if (this.text[this.pos] === '}') {
        this.pos++;
        // fromEntries defines own properties, so a "__proto__" key cannot replace the prototype.
        return Object.fromEntries(entries);
      }
      this.expect(',');
    }
  }

  private array(): JsonValue[] {
    const items: JsonValue[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return items;
    }
    for (;;) {
      this.skipSpace();
      items.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return items;
      }
      this.expect(',');
    }
  }

  private string(): string {
    STRING.lastIndex = this.pos;
    const match = STRING.exec(this.text);
    if (!match) this.fail('bad string');
    this.pos += match[0].length;
    return JSON.parse(match[0]) as string;
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('bad number');
    this.pos += match[0].length;
    const isInteger = match[2] === undefined && match[3] === undefined;
    const value = Number(match[0]);
    return isInteger && !Number.isSafeInteger(value) ? BigInt(match[0]) : value;
  }

  private expect(c: string): void {
    if (this.text[this.pos] !== c) this.fail(`expected "${c}"`);
    this.pos++;
  }
}
