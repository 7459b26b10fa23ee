// `dlm` command dispatcher: each subcommand lives in its own module and returns an exit code.
import { UserError } from '../user-error.ts';

type Command = (argv: string[]) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  models: { summary: 'list model folders found under models/ and $DLM_MODELS_DIR', load: async () => (await import('./models-command.ts')).modelsCommand },
  db: { summary: 'create and migrate the database (SQLite or PostgreSQL)', load: async () => (await import('./db-command.ts')).dbCommand },
  generate: { summary: 'decode one prompt with one model', load: async () => (await import('./generate-command.ts')).generateCommand },
  compare: {
    summary: 'the same prompt through the bundled AR and diffusion models, side by side',
    load: async () => (await import('./compare-command.ts')).compareCommand,
  },
  eval: { summary: 'pass rate and latency of one model on task records', load: async () => (await import('./eval-command.ts')).evalCommand },
  tasks: { summary: 'generate task records (JSONL) and check answers', load: async () => (await import('./tasks-command.ts')).tasksCommand },
  bench: {
    summary: 'run a sweep (lengths × settings × items) over both engines, stored and resumable',
    load: async () => (await import('./bench-command.ts')).benchCommand,
  },
  worker: {
    summary: 'run queued sweep cells from a PostgreSQL database (any number, any machine)',
    load: async () => (await import('./worker-command.ts')).workerCommand,
  },
  workers: { summary: 'the queue workers: alive, current cell, runs stored', load: async () => (await import('./workers-command.ts')).workersCommand },
  list: { summary: 'stored experiments, newest first', load: async () => (await import('./list-command.ts')).listCommand },
  show: { summary: "one experiment's statistics", load: async () => (await import('./show-command.ts')).showCommand },
  export: { summary: "an experiment's runs and aggregates as CSV or JSON", load: async () => (await import('./export-command.ts')).exportCommand },
  diff: { summary: 'two experiments side by side, differences marked', load: async () => (await import('./diff-command.ts')).diffCommand },
  claims: {
    summary: "the article's claims, each with a verdict from the stored runs of its preset sweep",
    load: async () => (await import('./claims-command.ts')).claimsCommand,
  },
  import: {
    summary: 'store results measured elsewhere (e.g. the prepared GPU run) as an experiment',
    load: async () => (await import('./import-command.ts')).importCommand,
  },
};

export const HELP = `dlm: Diffusion Playground command line

Usage: dlm <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  .join('\n')}

Run "dlm <command> --help" for the options of one command.`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`dlm: unknown command "${name}" (try "dlm --help")`);
    return 2;
  }
  try {
    return await (
      await command.load()
    )(rest);
  } catch (error) {
    // One line, never a stack trace: DLM_DEBUG=1 shows the full error for developers.
    if (process.env.DLM_DEBUG) console.error(error);
    const message = error instanceof Error ? error.message : String(error);
    console.error(`dlm ${name}: ${message.split('\n')[0]}`);
    return error instanceof UserError ? 2 : 1; // 2 = the request was wrong
  }
}
