// `dlm tasks`: list task families, generate records, check completions.
import { UsageError } from './args.ts';
import { checkCommand } from './tasks-check.ts';
import { generateCommand } from './tasks-generate.ts';
import { listCommand } from './tasks-list.ts';
import { TASKS_USAGE } from './tasks-usage.ts';

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  list: listCommand,
  generate: generateCommand,
  check: checkCommand,
};

export async function tasksCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(TASKS_USAGE);
    return 0;
  }
  if (name === undefined) {
    console.error(TASKS_USAGE);
    return 2;
  }
  const subcommand = SUBCOMMANDS[name];
  if (!subcommand) throw new UsageError(`unknown subcommand "${name}" (expected list, generate or check)`);
  return subcommand(rest);
}
