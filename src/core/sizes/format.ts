// Human-readable figures shared by the CLI, the report and the webview (no node or vscode imports).

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];

/** Decimal units, as registries and `docker images` print them. */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return 'not measured';
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = i === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${sign}${v.toFixed(digits)} ${UNITS[i]}`;
}

/** "+1.20 kB", "-300 B", "±0 B". */
export function formatDelta(n: number | undefined): string {
  if (n === undefined) return '';
  if (n === 0) return '±0 B';
  return n > 0 ? `+${formatBytes(n)}` : formatBytes(n);
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return 'not measured';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const min = Math.floor(s / 60);
  return `${min} min ${String(Math.round(s - min * 60)).padStart(2, '0')} s`;
}

/** `linux/arm/v7` → `arm/v7`; the OS is implied for the Linux images this tool builds. */
export function shortPlatform(platform: string): string {
  return platform.startsWith('linux/') ? platform.slice('linux/'.length) : platform;
}
