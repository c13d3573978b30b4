/** What a CLI command may touch, so commands can be tested without a real terminal. */
export interface CliIO {
  cwd: string;
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

export const processIO: CliIO = {
  cwd: process.cwd(),
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  env: process.env,
};

export type CliCommand = (args: string[], io: CliIO) => Promise<number>;
