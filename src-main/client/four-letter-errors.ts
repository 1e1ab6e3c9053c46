// The one error type for 4-letter words, and the words users see for each failure.

export type FourLetterWordErrorKind =
  | 'refused' // nothing listens on host:port
  | 'timeout' // no complete answer within timeoutMs
  | 'not-whitelisted' // the server runs with 4lw.commands.whitelist that leaves this word out
  | 'not-serving' // the server is up but has no quorum (or is still starting)
  | 'no-answer' // the server closed without a word: it does not know the word, or 4lw is off
  | 'network' // any other socket failure
  | 'malformed'; // the answer does not have the shape ZooKeeper gives

export interface FourLetterWordErrorInit {
  host?: string;
  port?: number;
  detail?: string;
  cause?: unknown;
}

/** ZooKeeper's exact answer when a server without a quorum is asked for most words. */
export const NOT_SERVING_TEXT = 'This ZooKeeper instance is not currently serving requests';

export class FourLetterWordError extends Error {
  readonly kind: FourLetterWordErrorKind;
  readonly word: string;
  readonly host?: string;
  readonly port?: number;
  readonly detail?: string;

  constructor(kind: FourLetterWordErrorKind, word: string, init: FourLetterWordErrorInit = {}) {
    super(describe(kind, word, init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'FourLetterWordError';
    this.kind = kind;
    this.word = word;
    this.host = init.host;
    this.port = init.port;
    this.detail = init.detail;
  }

  /** The same failure, naming the server it came from (parsers do not know it). */
  at(host: string, port: number): FourLetterWordError {
    if (this.host !== undefined) return this;
    return new FourLetterWordError(this.kind, this.word, { host, port, detail: this.detail, cause: this.cause });
  }
}

function describe(kind: FourLetterWordErrorKind, word: string, init: FourLetterWordErrorInit): string {
  const where = init.host === undefined ? 'the server' : formatHostPort(init.host, init.port);
  const detail = init.detail ? `: ${init.detail}` : '';
  switch (kind) {
    case 'refused':
      return `'${word}': connection refused by ${where} (is ZooKeeper running on that port?)`;
    case 'timeout':
      return `'${word}': ${where} did not answer in time${detail}`;
    case 'not-whitelisted':
      return `'${word}' is not allowed by ${where}: add it to 4lw.commands.whitelist in zoo.cfg`;
    case 'not-serving':
      return `'${word}': ${where} is not serving requests (no quorum yet, or still starting)`;
    case 'no-answer':
      return `'${word}': ${where} closed the connection without answering (unknown word, or 4-letter words disabled)`;
    case 'network':
      return `'${word}': network error talking to ${where}${detail}`;
    case 'malformed':
      return `'${word}': unexpected answer from ${where}${detail}`;
  }
}

export function formatHostPort(host: string, port?: number): string {
  if (port === undefined) return host;
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * ZooKeeper answers some failures in plain text instead of the word's output; turn those into
 * errors so callers never parse them as data.
 */
export function refusalInAnswer(word: string, text: string, init: FourLetterWordErrorInit = {}): FourLetterWordError | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return new FourLetterWordError('no-answer', word, init);
  if (trimmed === NOT_SERVING_TEXT) return new FourLetterWordError('not-serving', word, init);
  // isro alone answers the literal "null" when the server has no quorum and is not read-only.
  if (word === 'isro' && trimmed === 'null') return new FourLetterWordError('not-serving', word, init);
  if (/^[a-z]{4} is not executed because it is not in the whitelist\.$/.test(trimmed)) {
    return new FourLetterWordError('not-whitelisted', word, init);
  }
  return undefined;
}
