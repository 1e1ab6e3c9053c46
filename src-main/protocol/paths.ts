// ZooKeeper's path rules (PathUtils.validatePath), shared by the client and the server.

export class InvalidPathError extends Error {
  constructor(path: string, reason: string) {
    super(`Invalid path string "${path}" caused by ${reason}`);
    this.name = 'InvalidPathError';
  }
}

/** Throws InvalidPathError with ZooKeeper's reason; `sequential` allows a trailing '/'. */
export function validatePath(path: string, sequential = false): void {
  if (sequential) path = path + '1';
  if (path == null || path.length === 0) throw new InvalidPathError(path, 'Path length must be > 0');
  if (path[0] !== '/') throw new InvalidPathError(path, 'Path must start with / character');
  if (path.length === 1) return;
  if (path[path.length - 1] === '/') throw new InvalidPathError(path, 'Path must not end with / character');
  let last = '/';
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    const code = path.charCodeAt(i);
    let reason: string | null = null;
    if (code === 0) reason = `null character not allowed @${i}`;
    else if (c === '/' && last === '/') reason = `empty node name specified @${i}`;
    else if (c === '.' && last === '.') {
      if (path[i - 2] === '/' && (i + 1 === path.length || path[i + 1] === '/')) reason = `relative paths not allowed @${i}`;
    } else if (c === '.') {
      if (path[i - 1] === '/' && (i + 1 === path.length || path[i + 1] === '/')) reason = `relative paths not allowed @${i}`;
    } else if ((code > 0x0000 && code <= 0x001f) || (code >= 0x007f && code <= 0x009f) || (code >= 0xd800 && code <= 0xf8ff) || (code >= 0xfff0 && code <= 0xffff)) {
      reason = `invalid character @${i}`;
    }
    if (reason) throw new InvalidPathError(path, reason);
    last = c;
  }
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}
