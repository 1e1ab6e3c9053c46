// Four-letter words: ZooKeeper recognises them by the first 4 bytes of a connection (read as the
// frame length they would otherwise be), and runs only the whitelisted ones.

/** telnet's Ctrl-C (IAC IP IAC DO). ZooKeeper 3.8 knows the word but runs nothing for it. */
export const TELNET_CLOSE = 'telnet close';

/** Every word ZooKeeper 3.8 knows (FourLetterCommands). */
export const FOUR_LETTER_WORDS: readonly string[] = [
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srvr', 'srst', 'stat',
  'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash', TELNET_CLOSE,
];

const wordsByCode = new Map<number, string>(FOUR_LETTER_WORDS.map((w) => [
  w === TELNET_CLOSE ? 0xfff4fffd | 0 : Buffer.from(w, 'latin1').readInt32BE(0), w,
]));

/** The word the first 4 bytes spell, or null when they are (or may be) a frame length. */
export function fourLetterWordAt(head: Buffer): string | null {
  return head.length < 4 ? null : wordsByCode.get(head.readInt32BE(0)) ?? null;
}

/**
 * Whether the word is answered as a command. A whitelisted "telnet close" is not: ZooKeeper has no
 * command for it, so its bytes go on to the length check (and fail it).
 */
export function answersAsCommand(word: string, whitelist: ReadonlySet<string>): boolean {
  return word !== TELNET_CLOSE || !whitelist.has(word);
}

/** The words that run (4lw.commands.whitelist, plus what ZooKeeper always adds). */
export function parseFourLetterWhitelist(spec: string | null, readOnlyModeEnabled = false): ReadonlySet<string> {
  const enabled = new Set<string>();
  for (const item of (spec ?? '').split(',')) {
    const word = item.trim();
    if (word === '*') {
      for (const w of FOUR_LETTER_WORDS) enabled.add(w);
      break;
    }
    if (word !== '') enabled.add(word);
  }
  // As in ZooKeeper: zkServer.sh status needs srvr, and read-only clients probe with isro.
  if (readOnlyModeEnabled) enabled.add('isro');
  enabled.add('srvr');
  return enabled;
}

export function notWhitelistedText(word: string): string {
  return `${word} is not executed because it is not in the whitelist.\n`;
}
