// The one error type of the cluster lab. `usage` marks a mistake in what was asked (an unknown
// server, a directory without a cluster), which the command line answers with exit code 2.

export class ClusterError extends Error {
  constructor(message: string, readonly usage = false) {
    super(message);
    this.name = 'ClusterError';
  }
}
