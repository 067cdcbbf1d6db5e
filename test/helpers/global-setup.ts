import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    redisUrl: string;
    redisKeyPrefix: string;
  }
}

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * Once per test run: a database of its own (created, migrated, dropped at the end) and a
 * Redis key prefix of its own (its keys deleted at the end), so runs never see each other.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = await locateServices();
  const runId = randomBytes(6).toString('hex');
  const databaseName = `planbrygga_test_${runId}`;
  const databaseUrl = withDatabase(services.databaseUrl, databaseName);
  const redisKeyPrefix = `planbrygga_test_${runId}:`;

  const dropDatabase = () =>
    adminQuery(services.databaseUrl, `drop database if exists "${databaseName}" with (force)`);
  await adminQuery(services.databaseUrl, `create database "${databaseName}"`);
  try {
    await prepare(databaseUrl);
  } catch (err) {
    await dropDatabase();
    throw err;
  }

  project.provide('databaseUrl', databaseUrl);
  project.provide('redisUrl', services.redisUrl);
  project.provide('redisKeyPrefix', redisKeyPrefix);

  return async () => {
    await dropDatabase();
    await deleteKeys(services.redisUrl, redisKeyPrefix);
    await services.stop();
  };
}

async function prepare(databaseUrl: string): Promise<void> {
  const db = createDatabase(databaseUrl, { maxConnections: 1 });
  try {
    await migrateToLatest(db);
    // Tests take organisation codes from here, so parallel test files never share one.
    await sql`create sequence test_organisation_seq start with 1000 maxvalue 9999`.execute(db);
  } finally {
    await db.destroy();
  }
}

interface Services {
  databaseUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

// The environment's URLs (or the defaults); testcontainers only when neither is set and Docker works.
async function locateServices(): Promise<Services> {
  const { DATABASE_URL, REDIS_URL } = process.env;
  if (DATABASE_URL || REDIS_URL || !dockerUsable()) {
    return {
      databaseUrl: DATABASE_URL || DEFAULT_DATABASE_URL,
      redisUrl: REDIS_URL || DEFAULT_REDIS_URL,
      stop: async () => {},
    };
  }
  const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
  const { RedisContainer } = await import('@testcontainers/redis');
  const [postgres, redis] = await Promise.all([
    new PostgreSqlContainer('postgres:16-alpine').start(),
    new RedisContainer('redis:7-alpine').start(),
  ]);
  return {
    databaseUrl: postgres.getConnectionUri(),
    redisUrl: redis.getConnectionUrl(),
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop()]);
    },
  };
}

function dockerUsable(): boolean {
  try {
    execFileSync('docker', ['info'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

// By prefix, never FLUSHDB: other runs and other programs may share the Redis database.
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
