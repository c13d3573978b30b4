// ELF identification: which machine a binary was built for, from its first 20 bytes.

/** Bytes of a file's start that the scan keeps: ELF header fields up to e_machine, or a shebang line. */
export const HEADER_BYTES = 128;

export interface ElfId {
  /** 32 or 64 (EI_CLASS). */
  bits: 32 | 64;
  /** EI_DATA. */
  endian: 'le' | 'be';
  /** e_machine. */
  machine: number;
}

interface PlatformElf extends ElfId {
  name: string;
}

/** e_machine per platform (and the class and byte order its kernel runs). */
const PLATFORMS: Record<string, PlatformElf> = {
  'linux/amd64': { bits: 64, endian: 'le', machine: 62, name: 'x86-64' },
  'linux/arm64': { bits: 64, endian: 'le', machine: 183, name: 'aarch64' },
  'linux/arm64/v8': { bits: 64, endian: 'le', machine: 183, name: 'aarch64' },
  'linux/arm/v7': { bits: 32, endian: 'le', machine: 40, name: 'arm' },
  'linux/arm/v6': { bits: 32, endian: 'le', machine: 40, name: 'arm' },
  'linux/arm/v5': { bits: 32, endian: 'le', machine: 40, name: 'arm' },
  'linux/386': { bits: 32, endian: 'le', machine: 3, name: 'i386' },
  'linux/s390x': { bits: 64, endian: 'be', machine: 22, name: 's390x' },
  'linux/ppc64le': { bits: 64, endian: 'le', machine: 21, name: 'ppc64le' },
  'linux/riscv64': { bits: 64, endian: 'le', machine: 243, name: 'riscv64' },
};

const MACHINE_NAMES: Record<number, string> = {
  3: 'i386',
  8: 'mips',
  20: 'ppc',
  21: 'ppc64',
  22: 's390',
  40: 'arm',
  62: 'x86-64',
  183: 'aarch64',
  243: 'riscv',
  258: 'loongarch',
};

/** e_machine values that are not a CPU a container runs: none, and eBPF objects shipped as data. */
const NOT_A_CPU = new Set([0, 247]);

export function platformElf(platform: string): ElfId | undefined {
  return PLATFORMS[platform];
}

/** The ELF identity of a file from its first bytes; undefined for anything else (scripts, data). */
export function readElf(head: Uint8Array): ElfId | undefined {
  if (head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46)
    return undefined;
  const bits = head[4] === 1 ? 32 : head[4] === 2 ? 64 : undefined;
  const endian = head[5] === 1 ? 'le' : head[5] === 2 ? 'be' : undefined;
  if (!bits || !endian) return undefined;
  const machine = endian === 'le' ? head[18]! | (head[19]! << 8) : (head[18]! << 8) | head[19]!;
  if (NOT_A_CPU.has(machine)) return undefined;
  return { bits, endian, machine };
}

export function matches(elf: ElfId, want: ElfId): boolean {
  return elf.machine === want.machine && elf.bits === want.bits && elf.endian === want.endian;
}

/** "x86-64", "aarch64", "ppc64 (big-endian)", "arm (64-bit)": what a mismatch message names. */
export function describeElf(elf: ElfId): string {
  const known = Object.values(PLATFORMS).find((p) => matches(elf, p));
  if (known) return known.name;
  const name = MACHINE_NAMES[elf.machine] ?? `machine ${elf.machine}`;
  const extra = [
    elf.endian === 'be' && !['s390', 'mips', 'ppc'].includes(name) ? 'big-endian' : '',
    `${elf.bits}-bit`,
  ].filter(Boolean);
  return `${name} (${extra.join(', ')})`;
}

/** The interpreter of a `#!` script: ["/usr/bin/env", "python3"] → what to resolve next. */
export function shebang(head: Uint8Array): string[] | undefined {
  if (head[0] !== 0x23 || head[1] !== 0x21) return undefined;
  const end = head.indexOf(0x0a);
  const line = Buffer.from(head.subarray(2, end < 0 ? head.length : end))
    .toString('utf8')
    .trim();
  const words = line.split(/\s+/).filter(Boolean);
  return words.length ? words : undefined;
}
