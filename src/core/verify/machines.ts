/** What `uname -m` prints inside an image of each platform (natively or under QEMU user emulation). */
const MACHINES: Record<string, string[]> = {
  'linux/amd64': ['x86_64'],
  'linux/arm64': ['aarch64'],
  'linux/arm64/v8': ['aarch64'],
  'linux/arm/v7': ['armv7l'],
  'linux/arm/v6': ['armv6l'],
  'linux/386': ['i686', 'i386'],
  'linux/ppc64le': ['ppc64le'],
  'linux/s390x': ['s390x'],
  'linux/riscv64': ['riscv64'],
};

/** Machine names accepted for a platform; undefined for a platform we cannot judge. */
export function expectedMachines(platform: string): string[] | undefined {
  return MACHINES[platform];
}

/** The QEMU binfmt handler name for a platform's architecture (qemu-<name> in binfmt_misc). */
const QEMU: Record<string, string> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  arm: 'arm',
  '386': 'i386',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

export function qemuName(platform: string): string | undefined {
  return QEMU[platform.split('/')[1] ?? ''];
}

/** Docker's name for node's process.arch. */
export function hostArch(nodeArch: string = process.arch): string {
  const map: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };
  return map[nodeArch] ?? nodeArch;
}

/** Platforms a host of `arch` runs without emulation (an amd64 CPU runs 386 code). */
export function isNative(platform: string, arch: string = hostArch()): boolean {
  const [os, pArch] = platform.split('/');
  if (os !== 'linux') return false;
  return pArch === arch || (arch === 'amd64' && pArch === '386');
}

/** Last non-empty line of what the command printed: `uname -m` prints one, wrappers may print more first. */
export function actualMachine(stdout: string): string {
  const lines = stdout.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? '';
}
