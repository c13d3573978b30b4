import type { CliCommand } from './io';

interface Entry {
  summary: string;
  load(): Promise<CliCommand>;
}

/** Every subcommand, loaded on demand so `multiarch plan` does not pay for the linter. */
export const commands: Record<string, Entry> = {
  plan: { summary: 'print the exact build commands for the matrix', load: async () => (await import('./commands/plan')).run },
};
