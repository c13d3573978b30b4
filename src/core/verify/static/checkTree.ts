// Compares every ELF file of an image's final tree with the platform, and follows the ENTRYPOINT/CMD
// program through PATH, symlinks and `#!` interpreters so a missing or foreign entry program is named.
import type { FsEntry } from '../../layers/flatten';
import type { RunConfig } from '../../layers/imageConfig';
import { imagePath } from '../../layers/layerEntries';
import { describeElf, matches, platformElf, readElf, shebang, type ElfId } from './elf';

/** An image's final file tree (core/layers flattenLayers, read with HEADER_BYTES) and what it runs. */
export interface ImageTree {
  fs: Map<string, FsEntry>;
  run?: RunConfig;
}

export interface Mismatch {
  /** Absolute path in the image. */
  path: string;
  /** What the binary was built for: "x86-64", "aarch64", … */
  machine: string;
}

export interface TreeCheck {
  /** ELF files compared with the platform. */
  checked: number;
  mismatches: Mismatch[];
  /** The program the image starts and what it resolved to, for the report. */
  entrypoint?: { command: string; path?: string; machine?: string; problem?: string };
}

/** Enough to act on; an image that is wholly another architecture says so in its first entries. */
export const MAX_MISMATCHES = 200;
const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const MAX_HOPS = 40;

/** Follows symlinks in every component, as the kernel would inside the container; an absolute path. */
export function resolvePath(fs: Map<string, FsEntry>, path: string): string | undefined {
  let parts = path.split('/').filter((p) => p && p !== '.');
  let hops = 0;
  for (let i = 0; i < parts.length;) {
    if (parts[i] === '..') {
      parts.splice(Math.max(0, i - 1), i > 0 ? 2 : 1);
      i = Math.max(0, i - 1);
      continue;
    }
    const entry = fs.get(`/${parts.slice(0, i + 1).join('/')}`);
    // Layers often leave out directory entries: a missing parent is a directory, a missing leaf is missing.
    if (!entry && i === parts.length - 1) return undefined;
    if (entry?.type === 'symlink') {
      if (++hops > MAX_HOPS) return undefined;
      const target = (entry.linkname ?? '').split('/').filter((p) => p && p !== '.');
      const base = entry.linkname?.startsWith('/') ? [] : parts.slice(0, i);
      parts = [...base, ...target, ...parts.slice(i + 1)];
      i = 0;
      continue;
    }
    i++;
  }
  return `/${parts.join('/')}`;
}

/** The first bytes of a regular file, through a hard link to the file it shares. */
function headOf(fs: Map<string, FsEntry>, entry: FsEntry): Buffer | undefined {
  if (entry.type === 'hardlink' && entry.linkname) return fs.get(imagePath(entry.linkname))?.head;
  return entry.type === 'file' ? entry.head : undefined;
}

function pathDirs(env: string[]): string[] {
  const value = env.find((e) => e.startsWith('PATH='))?.slice(5) ?? DEFAULT_PATH;
  return value.split(':').filter(Boolean);
}

function findProgram(fs: Map<string, FsEntry>, program: string, env: string[]): string | undefined {
  const candidates = program.includes('/') ? [program] : pathDirs(env).map((d) => `${d}/${program}`);
  for (const c of candidates) {
    const resolved = resolvePath(fs, c);
    const type = resolved === undefined ? undefined : fs.get(resolved)?.type;
    if (type === 'file' || type === 'hardlink') return resolved;
  }
  return undefined;
}

function entrypoint(tree: ImageTree, want: ElfId): TreeCheck['entrypoint'] {
  const argv = [...(tree.run?.entrypoint ?? []), ...(tree.run?.cmd ?? [])];
  if (!argv.length) return undefined;
  let command = argv[0]!;
  // A script names its interpreter (`#!/usr/bin/env python3` → python3): that is the binary that must run.
  for (let depth = 0; depth < 4; depth++) {
    const path = findProgram(tree.fs, command, tree.run?.env ?? []);
    if (!path)
      return {
        command: argv[0]!,
        problem: `${command} is not in the image${command.includes('/') ? '' : ' (searched PATH)'}`,
      };
    const head = headOf(tree.fs, tree.fs.get(path)!) ?? Buffer.alloc(0);
    const elf = readElf(head);
    if (elf) {
      const machine = describeElf(elf);
      return {
        command: argv[0]!,
        path,
        machine,
        ...(matches(elf, want) ? {} : { problem: `${path} is built for ${machine}` }),
      };
    }
    const interpreter = shebang(head);
    if (!interpreter) return { command: argv[0]!, path, problem: `${path} is neither an ELF binary nor a #! script` };
    const [interp, arg] = interpreter;
    command = interp!.endsWith('/env') && arg ? arg : interp!;
  }
  return { command: argv[0]!, problem: 'too many nested #! interpreters' };
}

export function checkTree(tree: ImageTree, platform: string): TreeCheck {
  const want = platformElf(platform);
  if (!want) throw new Error(`no ELF machine is known for ${platform}`);
  let checked = 0;
  const mismatches: Mismatch[] = [];
  for (const [path, entry] of tree.fs) {
    // Hard links share a file that is checked under its own name.
    const elf = entry.type === 'file' && entry.head ? readElf(entry.head) : undefined;
    if (!elf) continue;
    checked++;
    if (!matches(elf, want) && mismatches.length < MAX_MISMATCHES) mismatches.push({ path, machine: describeElf(elf) });
  }
  mismatches.sort((a, b) => a.path.localeCompare(b.path));
  const entry = entrypoint(tree, want);
  return { checked, mismatches, ...(entry ? { entrypoint: entry } : {}) };
}
