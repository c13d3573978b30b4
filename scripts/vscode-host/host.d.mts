// Types for host.mjs, so TypeScript callers (test/e2e) get checked against the real API.
import type { Browser, BrowserContext, Page } from 'playwright-core';

export const CODE_SERVER_VERSION: string;
export const repoRoot: string;
export const exampleWorkspace: string;
export const integrationTestsIndex: string;
export function codeServerDir(): string;
export function cacheRoot(): string;

export type Log = (line: string) => void;

export interface Profile {
  root: string;
  userDataDir: string;
  extensionsDir: string;
  xdg: Record<'XDG_CONFIG_HOME' | 'XDG_DATA_HOME' | 'XDG_CACHE_HOME', string>;
}
export function makeProfile(prefix?: string, root?: string): Profile;
export function removeProfile(profile: Profile): void;

export interface Install {
  dir: string;
  entry: string;
  installedNow: boolean;
  seconds: number;
}
export function prepareCodeServer(opts?: { log?: Log }): Promise<Install>;

export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  profile: Profile;
  stop(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
export function startCodeServer(opts: {
  dir: string;
  folder?: string;
  profile?: Profile;
  log?: Log;
  /** Defaults to a free port. */
  port?: number;
  timeoutMs?: number;
  extraArgs?: string[];
  /** Extra environment for the server and so for the extension host it starts. */
  env?: Record<string, string>;
}): Promise<CodeServer>;
export function freePort(): Promise<number>;
export function workbenchUrl(opts: {
  port: number;
  folder?: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
}): string;

export function launchChromium(): Promise<Browser>;
export function copyExampleWorkspace(opts?: { source?: string; log?: Log }): { dir: string; dispose(): void };

export function openWorkbench(opts: {
  browser: Browser;
  server: CodeServer;
  folder?: string;
  extensionDevelopmentPath?: string;
  extensionTestsPath?: string;
  onLog?: (type: string, args: unknown[]) => void;
  onExit?: (code: number) => void;
  viewport?: { width: number; height: number };
}): Promise<{ page: Page; context: BrowserContext; url: string }>;

export function installExtension(opts: { dir: string; profile: Profile; vsix: string; log?: Log }): Promise<void>;
