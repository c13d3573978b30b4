import { hostPlatform, localAvailability, qemuHandlerFor } from '../engines/emulation';

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

/** The QEMU binfmt handler's architecture name for a platform (qemu-<name> in binfmt_misc). */
export function qemuName(platform: string): string | undefined {
  return qemuHandlerFor(platform)?.replace(/^qemu-/, '');
}

/** Docker's name for node's process.arch. */
export function hostArch(nodeArch: string = process.arch): string {
  return hostPlatform(nodeArch, 'linux').split('/')[1]!;
}

/** Platforms a host of `arch` runs without emulation (an amd64 CPU runs 386 code). */
export function isNative(platform: string, arch: string = hostArch()): boolean {
  return localAvailability(platform, `linux/${arch}`, []).state === 'native';
}

const ALL_MACHINES = [...new Set(Object.values(MACHINES).flat())];

/** Machine names of any platform that appear as words in `output`, in order of first appearance. */
export function machinesIn(output: string): string[] {
  const found: Array<{ name: string; at: number }> = [];
  for (const name of ALL_MACHINES) {
    const at = output.search(new RegExp(`\\b${name}\\b`));
    if (at >= 0) found.push({ name, at });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.name);
}
