import { processIO, type CliCommand } from './io';
import { commands } from './registry';
import { messageOf } from '../core/errors';
import { exitOnSignal } from './cancel';

const usage = `multiarch <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(8)} ${c.summary}`)
  .join('\n')}

Run "multiarch <command> --help" for a command's options.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    processIO.out(usage);
    return name ? 0 : 2;
  }
  const entry = commands[name];
  if (!entry) {
    processIO.err(`multiarch: unknown command "${name}".\n\n${usage}`);
    return 2;
  }
  exitOnSignal(processIO, name);
  const run: CliCommand = await entry.load();
  return run(rest, processIO);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    processIO.err(`multiarch: ${messageOf(err)}\n`);
    process.exitCode = 1;
  },
);
