// The one error type for AdminServer (HTTP) commands, and the words users see for each failure.

export type AdminCommandErrorKind =
  | 'refused' // nothing listens at the URL's host:port (admin server off, or another port)
  | 'timeout' // no complete answer within timeoutMs
  | 'http' // a status other than 2xx (3.8 answers 500 when, e.g., monitor runs without a quorum)
  | 'not-serving' // the server is up but has no quorum (or is still starting)
  | 'command' // the command ran and reported an error, e.g. "Unknown command: x"
  | 'malformed' // the answer is not the JSON ZooKeeper gives
  | 'network'; // any other failure to reach the server

export interface AdminCommandErrorInit {
  url: string;
  status?: number;
  /** The server's own words: the JSON "error" field, or an HTML error page's title. */
  serverMessage?: string;
  detail?: string;
  cause?: unknown;
}

export class AdminCommandError extends Error {
  readonly kind: AdminCommandErrorKind;
  readonly command: string;
  readonly url: string;
  readonly status?: number;
  readonly serverMessage?: string;

  constructor(kind: AdminCommandErrorKind, command: string, init: AdminCommandErrorInit) {
    super(describe(kind, command, init), init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'AdminCommandError';
    this.kind = kind;
    this.command = command;
    this.url = init.url;
    this.status = init.status;
    this.serverMessage = init.serverMessage;
  }
}

function describe(kind: AdminCommandErrorKind, command: string, init: AdminCommandErrorInit): string {
  const said = init.serverMessage ? `: ${init.serverMessage}` : '';
  const detail = init.detail ? `: ${init.detail}` : '';
  switch (kind) {
    case 'refused':
      return `admin command '${command}': connection refused at ${init.url} (is admin.enableServer on, and admin.serverPort right?)`;
    case 'timeout':
      return `admin command '${command}': ${init.url} did not answer in time${detail}`;
    case 'http':
      return `admin command '${command}': HTTP ${init.status ?? '?'} from ${init.url}${said}`;
    case 'not-serving':
      return `admin command '${command}': the server is not serving requests (no quorum yet, or still starting)`;
    case 'command':
      return `admin command '${command}' failed${said}`;
    case 'malformed':
      return `admin command '${command}': unexpected answer from ${init.url}${detail}`;
    case 'network':
      return `admin command '${command}': network error talking to ${init.url}${detail}`;
  }
}
