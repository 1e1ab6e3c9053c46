// Checks a ZooKeeper connect string (host:port[,host:port...][/chroot]) before it is saved, so a
// typo is caught in the dialog rather than as a connection timeout.

/** A sentence saying what is wrong, or null when the string is usable. */
export function connectStringProblem(input: string): string | null {
  const s = input.trim();
  if (!s) return 'Enter at least one server, like localhost:2181';
  const slash = s.indexOf('/');
  const hosts = slash >= 0 ? s.slice(0, slash) : s;
  const chroot = slash >= 0 ? s.slice(slash) : '';
  if (!hosts) return 'Enter at least one server before the chroot';
  for (const part of hosts.split(',')) {
    const hp = part.trim();
    const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+)(?::(\d+))?$/.exec(hp);
    if (!m) return `"${hp}" is not host:port`;
    if (m[2] !== undefined && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return `Port ${m[2]} is out of range`;
  }
  if (chroot && (chroot.length > 1 && chroot.endsWith('/'))) return 'The chroot must not end with "/"';
  if (chroot.includes('//')) return 'The chroot must not contain an empty segment';
  return null;
}
