/** Parsing of `os/arch[/variant]` platform strings (the form buildx, podman and docker accept). */
export interface Platform {
  os: string;
  arch: string;
  variant?: string;
}

export function parsePlatform(text: string): Platform {
  const [os = '', arch = '', variant] = text.split('/');
  return variant ? { os, arch, variant } : { os, arch };
}

/** Short architecture label used in per-arch tags: amd64, arm64, armv7. */
export function archLabel(platform: string): string {
  const p = parsePlatform(platform);
  return p.variant && p.arch === 'arm' ? `arm${p.variant}` : p.arch;
}

export const knownPlatforms = [
  'linux/amd64',
  'linux/arm64',
  'linux/arm/v7',
  'linux/arm/v6',
  'linux/386',
  'linux/ppc64le',
  'linux/s390x',
  'linux/riscv64',
];

/** Closest known platform by edit distance, for "did you mean" hints. */
export function suggestPlatform(text: string): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of knownPlatforms) {
    const d = editDistance(text.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= 3 ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
