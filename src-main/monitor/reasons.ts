// Why a server could not be polled, in the few words a card or a table cell has room for.
import { AdminCommandError } from '../client/admin-errors';
import { FourLetterWordError } from '../client/four-letter-errors';
import { tlsErrorIn } from '../client/tls-options';
import { ErrorCode, ZooKeeperError } from '../protocol/errors';

export function describeFailure(err: unknown): string {
  // A TLS failure says more than the word, command or session it stopped.
  const tls = tlsErrorIn(err);
  if (tls) return tls.kind === 'setup' ? tls.message : `TLS: ${tls.reason}`;
  if (err instanceof FourLetterWordError) {
    switch (err.kind) {
      case 'refused':
        return 'connection refused';
      case 'timeout':
        return `timed out${err.detail ? ` (${err.detail})` : ''}`;
      case 'not-whitelisted':
        return `4lw not whitelisted: '${err.word}' is not in 4lw.commands.whitelist`;
      case 'not-serving':
        return 'not serving requests (no quorum, or still starting)';
      case 'no-answer':
        return `no answer to '${err.word}' (4-letter words disabled?)`;
      case 'network':
        return `network error${err.detail ? ` (${err.detail})` : ''}`;
      case 'malformed':
        return `unexpected answer to '${err.word}'${err.detail ? ` (${err.detail})` : ''}`;
    }
  }
  if (err instanceof AdminCommandError) {
    switch (err.kind) {
      case 'refused':
        return 'AdminServer connection refused';
      case 'timeout':
        return 'AdminServer timed out';
      case 'not-serving':
        return 'not serving requests (no quorum, or still starting)';
      case 'http':
        return `AdminServer answered HTTP ${err.status ?? '?'}${err.serverMessage ? `: ${err.serverMessage}` : ''}`;
      default:
        return err.message;
    }
  }
  if (err instanceof ZooKeeperError) {
    if (err.code === ErrorCode.AUTHFAILED) return 'auth failed: the server refused the digest credentials';
    if (err.code === ErrorCode.REQUESTTIMEOUT) return 'timed out';
    if (err.code === ErrorCode.CONNECTIONLOSS) return 'could not connect';
    return err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** A 4-letter word the server refuses to run, where its AdminServer command would do. */
export function isWordRefused(err: unknown): boolean {
  return err instanceof FourLetterWordError && (err.kind === 'not-whitelisted' || err.kind === 'no-answer');
}
