import { readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * Every live descendant of `pid`, found by parent links. A process group is not enough: container
 * runtimes start the RUN step's processes in their own session (`runc init` calls setsid), so a
 * `podman build` killed through its group leaves them running under init.
 */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parentLinks()) {
    const list = children.get(parent);
    if (list) list.push(child);
    else children.set(parent, [child]);
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()!) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

function parentLinks(): [number, number][] {
  if (process.platform === 'linux') {
    const links: [number, number][] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        // Fields after the parenthesised command: state, ppid, …; the command itself may contain spaces.
        const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
        const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (state !== 'Z') links.push([Number(name), Number(ppid)]);
      } catch {
        // exited while listing
      }
    }
    return links;
  }
  try {
    return execFileSync('ps', ['-A', '-o', 'pid=,ppid='], { encoding: 'utf8', timeout: 2000 })
      .split('\n')
      .map((l) => l.trim().split(/\s+/).map(Number) as [number, number])
      .filter(([a, b]) => Number.isInteger(a) && Number.isInteger(b));
  } catch {
    return [];
  }
}

export function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false; // ESRCH: already gone
  }
}
