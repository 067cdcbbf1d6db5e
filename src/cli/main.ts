import { ConfigError } from '../config.js';
import { UsageError } from './usage-error.js';

/** A CLI command: gets its own arguments, resolves to the exit code. Secrets go to stdout, messages to stderr. */
export type Command = (args: string[]) => Promise<number>;

// Each command is loaded on use: `convert` needs no database, and no command pays for the others' modules.
const COMMANDS: Record<string, { run: Command; usage: string }> = {
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
  },
  validate: {
    run: async (args) => (await import('./commands/validate.command.js')).validateCommand(args),
    usage: 'validate --from S FILE…       report problems in documents (validate --help)',
  },
};

function usage(): string {
  return ['usage: planbrygga <command>', ...Object.values(COMMANDS).map((c) => `  ${c.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name ? COMMANDS[name] : undefined;
  if (!command) {
    process.stderr.write(`${usage()}\n`);
    return name === undefined || name === '--help' ? 0 : 2;
  }
  return command.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `${err instanceof ConfigError || err instanceof UsageError ? err.message : String(err)}\n`,
    );
    if (!(err instanceof ConfigError || err instanceof UsageError) && err instanceof Error && err.cause) {
      process.stderr.write(`caused by: ${String(err.cause)}\n`);
    }
    process.exitCode = err instanceof UsageError ? 2 : 1;
  },
);
