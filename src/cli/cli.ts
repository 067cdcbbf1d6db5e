import { ConfigError } from '../config.js';
import { UsageError } from './usage-error.js';

/** A CLI command: gets its own arguments, resolves to the exit code. Secrets go to stdout, messages to stderr. */
export type Command = (args: string[]) => Promise<number>;

/** A command as the CLI knows it: how to run it, and its one-line usage. */
interface CommandEntry {
  run: Command;
  usage: string;
  /** Prints its own, longer usage for --help (convert, validate). */
  ownHelp?: true;
  /** Takes no arguments at all; any is refused as a usage error. */
  noArguments?: true;
}

// Each command is loaded on use: `convert` needs no database, and no command pays for the others' modules.
export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  serve: {
    run: async (args) => (await import('./commands/serve.command.js')).serveCommand(args),
    usage: 'serve [--no-workers]          run the API, the outbox relay and the workers (migrates first)',
  },
  worker: {
    run: async (args) => (await import('./commands/worker.command.js')).workerCommand(args),
    usage: 'worker                         run the outbox relay and the workers, no HTTP',
  },
  destinations: {
    run: async (args) => (await import('./commands/destinations.command.js')).destinationsCommand(args),
    usage:
      'destinations create --org CODE --kind submission|signoff|planner|status --system S --url URL [--secret whsec_…]',
  },
  migrate: {
    run: async () => (await import('./commands/migrate.command.js')).migrateCommand(),
    usage: 'migrate                        apply pending database migrations',
    noArguments: true,
  },
  clients: {
    run: async (args) => (await import('./commands/clients.command.js')).clientsCommand(args),
    usage: 'clients create --name N --org CODE --scopes a,b   create an API client; prints its key',
  },
  keys: {
    run: async (args) => (await import('./commands/keys.command.js')).keysCommand(args),
    usage:
      'keys status | keys rotate [--batch-size N]   encryption keys in use; re-encrypt with the active key',
  },
  openapi: {
    run: async () => (await import('./commands/openapi.command.js')).openapiCommand(),
    usage: 'openapi                        print the OpenAPI document',
    noArguments: true,
  },
  policies: {
    run: async (args) => (await import('./commands/policies.command.js')).policiesCommand(args),
    usage: 'policies set --org CODE [--unit ID] --preset omsorg|lss [--FIELD V …] | policies show …',
  },
  overdue: {
    run: async (args) => (await import('./commands/overdue.command.js')).overdueCommand(args),
    usage: 'overdue scan [--date YYYY-MM-DD]   find overdue plans now',
  },
  retention: {
    run: async (args) => (await import('./commands/retention.command.js')).retentionCommand(args),
    usage: 'retention run [--dry-run] [--date YYYY-MM-DD]   prune content past its retention now',
  },
  convert: {
    run: async (args) => (await import('./commands/convert.command.js')).convertCommand(args),
    usage: 'convert --from S --to S [IN] [OUT]   convert documents between systems (convert --help)',
    ownHelp: true,
  },
  validate: {
    run: async (args) => (await import('./commands/validate.command.js')).validateCommand(args),
    usage: 'validate --from S FILE…       report problems in documents (validate --help)',
    ownHelp: true,
  },
};

const HELP = new Set(['--help', '-h']);

function usage(): string {
  return ['usage: planbrygga <command>', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

/** Where the CLI writes its own messages (usage, errors); commands write their output themselves. */
export interface MessageSink {
  write(text: string): unknown;
}

/**
 * Runs one invocation; resolves to the exit code. `<command> --help` prints that command's
 * usage and exits 0; a wrong option or argument is named, with the usage, and exits 2; no
 * stack trace reaches the user.
 */
export async function runCli(argv: readonly string[], stderr: MessageSink = process.stderr): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    stderr.write(`${usage()}\n`);
    return name === undefined || HELP.has(name) ? 0 : 2;
  }
  const commandUsage = `usage: planbrygga ${command.usage}`;
  if (!command.ownHelp && args.some((arg) => HELP.has(arg))) {
    stderr.write(`${commandUsage}\n`);
    return 0;
  }
  try {
    if (command.noArguments && args.length > 0) throw new UsageError(`unexpected argument '${args[0]}'`);
    return await command.run(args);
  } catch (err) {
    if (isArgumentError(err) || err instanceof UsageError) {
      // convert and validate point to their own --help; the others show their usage line.
      const message =
        command.ownHelp || err.message.includes('usage:') ? err.message : `${err.message}\n${commandUsage}`;
      stderr.write(`${message}\n`);
      return 2;
    }
    if (err instanceof ConfigError) {
      stderr.write(`${err.message}\n`);
      return 1;
    }
    stderr.write(`${String(err)}\n`);
    if (err instanceof Error && err.cause) stderr.write(`caused by: ${String(err.cause)}\n`);
    return 1;
  }
}

/** node:util parseArgs's refusals (unknown option, missing value, stray argument): the user's mistake. */
function isArgumentError(err: unknown): err is Error {
  const code = (err as { code?: unknown } | null)?.code;
  return err instanceof TypeError && typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_');
}
