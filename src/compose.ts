import { Redis } from 'ioredis';
import type { AppDependencies } from './app.js';
import type { Config } from './config.js';
import { createFieldCipher } from './crypto/field-cipher.js';
import { createDatabase } from './db/database.js';
import { createNotificationListener } from './db/notification-listener.js';
import { encryptedPlanDocumentCodec } from './db/plan-document-codec.js';
import { createQueues, type Queues, type QueuesOptions } from './delivery/queues/queues.js';
import { createLogger, type Logger } from './logger.js';

/**
 * Builds the process's dependencies from the config. Connections open lazily; close them
 * with `closeDependencies`.
 */
export function createDependencies(
  config: Readonly<Config>,
  logger: Logger = createLogger(config.logLevel),
): AppDependencies {
  if (config.usingDevelopmentIndexKey) {
    logger.warn(
      'PLANBRYGGA_INDEX_KEY is not set: using the public development key for the personnummer search index. ' +
        'Set a secret of at least 32 characters before storing real data.',
    );
  }
  if (config.usingDevelopmentEncryptionKey) {
    logger.warn(
      'PLANBRYGGA_ENCRYPTION_KEYS is not set: personal data is encrypted with the public development key. ' +
        'Set PLANBRYGGA_ENCRYPTION_KEYS (and PLANBRYGGA_ENCRYPTION_ACTIVE_KEY) before storing real data.',
    );
  }
  const cipher = createFieldCipher(config.encryption);
  const redis = new Redis(config.redisUrl, {
    keyPrefix: config.redisKeyPrefix,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
  });
  redis.on('error', (err: Error) => logger.warn({ err }, 'redis connection error'));
  return {
    config,
    db: createDatabase(config.databaseUrl, {
      ...config.database,
      logger: logger.child({ component: 'postgres' }),
    }),
    redis,
    logger,
    queues: lazyQueues({ redisUrl: config.redisUrl, keyPrefix: config.redisKeyPrefix }),
    notifications: createNotificationListener({
      connectionString: config.databaseUrl,
      logger: logger.child({ component: 'notification-listener' }),
    }),
    clock: () => new Date(),
    codec: encryptedPlanDocumentCodec(cipher),
    cipher,
  };
}

export async function closeDependencies(deps: AppDependencies): Promise<void> {
  await Promise.allSettled([
    deps.db.destroy(),
    deps.redis.quit(),
    deps.queues.close(),
    deps.notifications.close(),
  ]);
}

// BullMQ queues connect when created; commands that never touch a queue should not open connections.
function lazyQueues(options: QueuesOptions): Queues {
  let queues: Queues | undefined;
  const open = () => {
    queues ??= createQueues(options);
    return queues;
  };
  return {
    queue: (name) => open().queue(name),
    publish: (jobs) => open().publish(jobs),
    close: async () => {
      await queues?.close();
    },
  };
}
