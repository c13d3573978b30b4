import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the kernel can run: the host's own platform plus registered QEMU user-mode handlers (Linux binfmt_misc). */
export const binfmtDir = '/proc/sys/fs/binfmt_misc';

/** Node's `process.arch` → OCI architecture. */
const ociArch: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  arm: 'arm',
  ia32: '386',
  ppc64: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
};

export function hostPlatform(arch: string = process.arch, platform: string = process.platform): string {
  const os = platform === 'win32' ? 'windows' : platform;
  return `${os}/${ociArch[arch] ?? arch}`;
}

/** OCI architecture → the name QEMU's binfmt handler is registered under (`qemu-<name>`). */
const qemuName: Record<string, string> = {
  amd64: 'x86_64',
  arm64: 'aarch64',
  arm: 'arm',
  '386': 'i386',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  riscv64: 'riscv64',
  mips64le: 'mips64el',
  mips64: 'mips64',
  loong64: 'loongarch64',
};

export function qemuHandlerFor(platform: string): string | undefined {
  const arch = platform.split('/')[1] ?? '';
  const name = qemuName[arch];
  return name ? `qemu-${name}` : undefined;
}

/** Names of enabled `qemu-*` handlers; empty when binfmt_misc is not mounted or not Linux. */
export async function enabledQemuHandlers(dir: string = binfmtDir): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith('qemu-'));
  } catch {
    return [];
  }
  const enabled: string[] = [];
  for (const n of names) {
    const text = await readFile(join(dir, n), 'utf8').catch(() => '');
    if (/^enabled/m.test(text)) enabled.push(n);
  }
  return enabled.sort();
}

export type Availability =
  | { platform: string; state: 'native' }
  | { platform: string; state: 'emulated'; handler: string }
  | { platform: string; state: 'unavailable'; fix: string };

/** Whether a local engine (podman, docker without buildx) can build `platform` on this host. */
export function localAvailability(platform: string, host: string, handlers: string[]): Availability {
  const [os, arch] = platform.split('/');
  const [hostOs, hostArch] = host.split('/');
  if (os === hostOs && (arch === hostArch || (hostArch === 'amd64' && arch === '386')))
    return { platform, state: 'native' };
  const handler = qemuHandlerFor(platform);
  if (handler && handlers.includes(handler)) return { platform, state: 'emulated', handler };
  return {
    platform,
    state: 'unavailable',
    fix: handler
      ? `register QEMU for ${platform}: "sudo apt-get install qemu-user-static binfmt-support && sudo update-binfmts --enable ${handler}", or "docker run --privileged --rm tonistiigi/binfmt --install all"`
      : `no QEMU handler is known for ${platform}; build it on a ${platform} machine (e.g. a remote buildx node)`,
  };
}
