import { ConfigError } from '../config.js';
import { clientsCommand } from './commands/clients.command.js';
import { destinationsCommand } from './commands/destinations.command.js';
import { keysCommand } from './commands/keys.command.js';
import { migrateCommand } from './commands/migrate.command.js';
import { openapiCommand } from './commands/openapi.command.js';
import { overdueCommand } from './commands/overdue.command.js';
import { policiesCommand } from './commands/policies.command.js';
import { serveCommand } from './commands/serve.command.js';
import { workerCommand } from './commands/worker.command.js';
import { UsageError } from './usage-error.js';

/** A CLI command: gets its own arguments, resolves to the exit code. Secrets go to stdout, messages to stderr. */
export type Command = (args: string[]) => Promise<number>;

const COMMANDS: Record<string, { run: Command; usage: string }> = {
  serve: {
    run: serveCommand,
    usage: 'serve [--no-workers]          run the API, the outbox relay and the workers (migrates first)',
  },
  worker: {
    run: workerCommand,
    usage: 'worker                         run the outbox relay and the workers, no HTTP',
  },
  destinations: {
    run: destinationsCommand,
    usage:
      'destinations create --org CODE --kind submission|signoff|planner|status --system S --url URL [--secret whsec_…]',
  },
  migrate: { run: migrateCommand, usage: 'migrate                        apply pending database migrations' },
  clients: {
    run: clientsCommand,
    usage: 'clients create --name N --org CODE --scopes a,b   create an API client; prints its key',
  },
  keys: {
    run: keysCommand,
    usage:
      'keys status | keys rotate [--batch-size N]   encryption keys in use; re-encrypt with the active key',
  },
  openapi: { run: openapiCommand, usage: 'openapi                        print the OpenAPI document' },
  policies: {
    run: policiesCommand,
    usage: 'policies set --org CODE [--unit ID] --preset omsorg|lss [--FIELD V …] | policies show …',
  },
  overdue: { run: overdueCommand, usage: 'overdue scan [--date YYYY-MM-DD]   find overdue plans now' },
  // Loaded on use: converting files needs no database, Redis or configuration.
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
