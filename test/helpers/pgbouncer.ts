import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { binary, freePort, serviceFolder, spawnAsServiceUser } from './service-binaries.js';

export const PGBOUNCER = binary('pgbouncer');

/**
 * Debian's PgBouncer in transaction mode on a free port, in front of the PostgreSQL of
 * `databaseUrl`, with few server connections so that the clients' transactions share them
 * as they do in production. `url` is `databaseUrl` through the pooler.
 */
export async function startPgBouncer(databaseUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  if (!PGBOUNCER) throw new Error('pgbouncer is not installed (apt-get install pgbouncer)');
  const target = new URL(databaseUrl);
  const dir = await serviceFolder('pgbouncer');
  const port = await freePort();
  await writeFile(join(dir, 'users.txt'), `"${target.username || 'postgres'}" ""\n`, { mode: 0o644 });
  await writeFile(
    join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = trust',
      `auth_file = ${join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'default_pool_size = 3',
      'max_client_conn = 200',
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const server = spawnAsServiceUser(PGBOUNCER, [join(dir, 'pgbouncer.ini')]);
  const deadline = Date.now() + 10_000;
  while (!server.output().includes('process up')) {
    if (server.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`pgbouncer did not start:\n${server.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = new URL(databaseUrl);
  url.port = String(port);
  return {
    url: url.toString(),
    async stop() {
      if (server.child.exitCode !== null) return;
      const exited = new Promise((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      await exited;
    },
  };
}
