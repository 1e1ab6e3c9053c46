// The version line and the "environment" (envi, admin environment and system_properties) as
// ZooKeeper 3.8 prints them, filled with this process's facts. The version keeps "3.8.0" in front
// so clients that branch on the server version treat ZooLab as the 3.8 it emulates.

import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import pkg from '../../../package.json';

export const ZOOLAB_ZOOKEEPER_VERSION = `3.8.0-zoolab-${pkg.version}`;

let fullVersion: string | null = null;

/** Version.getFullVersion(): "<version>, built on <yyyy-MM-dd HH:mm> UTC". */
export function zooKeeperFullVersion(): string {
  fullVersion ??= `${ZOOLAB_ZOOKEEPER_VERSION}, built on ${buildDate()}`;
  return fullVersion;
}

// The compiled module's own timestamp is the closest thing to a build date that is not invented.
function buildDate(): string {
  try {
    const d = statSync(__filename).mtime;
    const two = (n: number): string => String(n).padStart(2, '0');
    return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())} UTC`;
  } catch {
    return 'unknown';
  }
}

const NA = '<NA>';

/** Environment.list(): the Java properties it names, mapped to this Node process (absent ones are "<NA>", as in Java). */
export function environmentEntries(): Array<[string, string]> {
  const heap = v8.getHeapStatistics();
  const mb = 1024 * 1024;
  return [
    ['zookeeper.version', zooKeeperFullVersion()],
    ['host.name', os.hostname()],
    ['java.version', `zoolab/node-${process.version}`],
    ['java.vendor', process.release.name],
    ['java.home', process.execPath],
    ['java.class.path', NA],
    ['java.library.path', NA],
    ['java.io.tmpdir', os.tmpdir()],
    ['java.compiler', NA],
    ['os.name', javaOsName()],
    ['os.arch', javaOsArch()],
    ['os.version', os.release()],
    ['user.name', userName()],
    ['user.home', os.homedir()],
    ['user.dir', process.cwd()],
    // Runtime.freeMemory/maxMemory/totalMemory are the JVM heap's; V8's heap is the counterpart.
    ['os.memory.free', `${Math.floor((heap.total_heap_size - heap.used_heap_size) / mb)}MB`],
    ['os.memory.max', `${Math.floor(heap.heap_size_limit / mb)}MB`],
    ['os.memory.total', `${Math.floor(heap.total_heap_size / mb)}MB`],
  ];
}

/**
 * The admin server's system_properties: Java's system properties sorted by name. Ours are the
 * facts envi maps to Java names, the -D flags and unknown zoo.cfg keys the config keeps as
 * properties, and the separators Java always defines.
 */
export function systemProperties(configProperties: ReadonlyMap<string, string>): Array<[string, string]> {
  const props = new Map<string, string>([
    ['file.encoding', 'UTF-8'],
    ['file.separator', path.sep],
    ['line.separator', os.EOL],
    ['path.separator', path.delimiter],
  ]);
  for (const [key, value] of environmentEntries()) {
    if (key.startsWith('java.') || key.startsWith('user.') || (key.startsWith('os.') && !key.startsWith('os.memory.'))) {
      if (value !== NA) props.set(key, value);
    }
  }
  for (const [key, value] of configProperties) props.set(key, value);
  return [...props].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function javaOsName(): string {
  const type = os.type();
  if (type === 'Darwin') return 'Mac OS X';
  if (type === 'Windows_NT') return 'Windows';
  return type;
}

function javaOsArch(): string {
  switch (process.arch) {
    case 'x64': return 'amd64';
    case 'ia32': return 'x86';
    case 'arm64': return 'aarch64';
    default: return process.arch;
  }
}

function userName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return NA;
  }
}
