// How zkCli turns a line into words (ZooKeeperMain.MyCommandOptions) and words into options
// (commons-cli's DefaultParser), reproduced closely so the same input means the same thing.

// Java's \s and \S: ASCII whitespace only, unlike JavaScript's Unicode-aware classes.
const ARGS_PATTERN = /[ \t\n\x0B\f\r]*([^"' \t\n\x0B\f\r][^ \t\n\x0B\f\r]*|"[^"]*"|'[^']*')[ \t\n\x0B\f\r]*/g;
const QUOTED_PATTERN = /^(['"])(.*)\1$/s;

/**
 * Splits a line as zkCli does: double or single quotes group words and are stripped; a quote
 * inside a word is kept (a"b c" gives `a"b` and `c"`); an unmatched opening quote is dropped.
 */
export function tokenizeLine(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(ARGS_PATTERN)) {
    const value = m[1];
    words.push(QUOTED_PATTERN.test(value) ? value.slice(1, -1) : value);
  }
  return words;
}

/** The options one command accepts: letters without a value, and letters that take one. */
export interface OptionSpec {
  flags: string;
  valued: string;
}

export interface ParsedArgs {
  /** A flag maps to true; a valued option to its first value. */
  options: Map<string, string | true>;
  /** Positional words, the command name first (zkCli's cl.getArgs()). */
  args: string[];
}

/** A word commons-cli would reject; the message is commons-cli's. */
export class OptionParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionParseError';
  }
}

/**
 * commons-cli DefaultParser with short options only: options may come after positional words,
 * `--` ends them, `-sv3` and `-v=3` work, a valued option takes the next word unless that word
 * is itself an option (negative numbers are values), and any other word starting with `-` is an
 * unrecognized option.
 */
export function parseOptions(words: readonly string[], spec: OptionSpec): ParsedArgs {
  const options = new Map<string, string | true>();
  const args: string[] = [];
  const isKnown = (ch: string) => ch.length === 1 && (spec.flags.includes(ch) || spec.valued.includes(ch));
  let awaiting: string | null = null;
  let skipParsing = false;

  const setValue = (opt: string, value: string) => {
    if (!options.has(opt) || options.get(opt) === true) options.set(opt, value);
  };
  const handleOption = (opt: string) => {
    if (awaiting) throw new OptionParseError(`Missing argument for option: ${awaiting}`);
    if (spec.valued.includes(opt)) {
      if (!options.has(opt)) options.set(opt, true);
      awaiting = opt;
    } else {
      options.set(opt, true);
    }
  };
  const isShortOption = (token: string) => {
    if (!token.startsWith('-') || token.length === 1) return false;
    const eq = token.indexOf('=');
    const name = eq === -1 ? token.slice(1) : token.slice(1, eq);
    return isKnown(name) || (name.length > 0 && isKnown(name[0]));
  };
  const unrecognized = (token: string): never => {
    throw new OptionParseError(`Unrecognized option: ${token}`);
  };

  for (const token of words) {
    if (skipParsing) {
      args.push(token);
    } else if (token === '--') {
      skipParsing = true;
    } else if (awaiting && (!isShortOption(token) || isNegativeNumber(token))) {
      setValue(awaiting, stripQuotes(token));
      awaiting = null;
    } else if (token.startsWith('--')) {
      unrecognized(token);
    } else if (token.startsWith('-') && token !== '-') {
      const t = token.slice(1);
      const eq = t.indexOf('=');
      if (t.length === 1) {
        if (!isKnown(t)) unrecognized(token);
        handleOption(t);
      } else if (eq === -1) {
        // -S1S2 or -S1S2V: letters until one takes a value, which then gets the rest of the word.
        for (let i = 0; i < t.length; i++) {
          if (!isKnown(t[i])) unrecognized(token);
          handleOption(t[i]);
          if (awaiting && i + 1 < t.length) {
            setValue(awaiting, t.slice(i + 1));
            awaiting = null;
            break;
          }
        }
      } else {
        const name = t.slice(0, eq);
        if (name.length !== 1 || !spec.valued.includes(name)) unrecognized(token);
        handleOption(name);
        setValue(name, t.slice(eq + 1));
        awaiting = null;
      }
    } else {
      args.push(token);
    }
  }
  if (awaiting) throw new OptionParseError(`Missing argument for option: ${awaiting}`);
  return { options, args };
}

/** Java's Double.parseDouble accepts it (commons-cli lets such words be option values). */
function isNegativeNumber(token: string): boolean {
  return /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/.test(token.trim());
}

function stripQuotes(s: string): string {
  return s.length > 1 && s.startsWith('"') && s.endsWith('"') && !s.slice(1, -1).includes('"') ? s.slice(1, -1) : s;
}

/** Java's Integer.parseInt: an optional sign and decimal digits within 32 bits, else null. */
export function parseJavaInt(text: string): number | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = Number(text);
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}

/** Java's Long.parseLong, as a bigint within 64 bits, else null. */
export function parseJavaLong(text: string): bigint | null {
  if (!/^[+-]?\d+$/.test(text)) return null;
  const n = BigInt(text);
  return n >= -(1n << 63n) && n < 1n << 63n ? n : null;
}

/** Java's Integer.decode (redo's argument): decimal, 0x/# hex or 0 octal, with a sign. */
export function decodeJavaInt(text: string): number | null {
  const m = /^([+-]?)(0[xX]|#|0(?=\d))?([0-9a-fA-F]+)$/.exec(text);
  if (!m) return null;
  const radix = m[2] === undefined ? 10 : m[2] === '0' ? 8 : 16;
  const digits = radix === 10 ? /^\d+$/ : radix === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/;
  if (!digits.test(m[3])) return null;
  const n = parseInt(m[3], radix) * (m[1] === '-' ? -1 : 1);
  return n >= -2147483648 && n <= 2147483647 ? n : null;
}
