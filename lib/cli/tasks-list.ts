// `dlm tasks list`: the task families, their length ranges and what they are.
import { parseArgs, UsageError } from './args.ts';
import { TASKS_USAGE } from './tasks-usage.ts';
import { FAMILIES } from '../tasks/registry.ts';

export async function listCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { switches: ['json', 'help'] });
  if (args.switches.has('help')) {
    console.log(TASKS_USAGE);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const rows = FAMILIES.map((f) => ({ name: f.name, minLength: f.minLength, maxLength: f.maxLength, checkedBy: f.checkedBy, description: f.description }));
  if (args.switches.has('json')) {
    console.log(JSON.stringify(rows));
    return 0;
  }
  for (const row of rows) console.log(`${row.name.padEnd(8)} ${`${row.minLength}..${row.maxLength}`.padEnd(8)} ${row.description}`);
  return 0;
}
