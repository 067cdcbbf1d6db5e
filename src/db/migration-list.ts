import type { Migration } from 'kysely';
import * as initialSchema from '../../migrations/1795431492354-initial-schema.js';
import * as outboxAndDestinations from '../../migrations/1795431700000-outbox-and-destinations.js';
import * as lifecycle from '../../migrations/1795431800000-lifecycle.js';
import * as auditLog from '../../migrations/1795431900000-audit-log.js';
import * as changeFeedSequencing from '../../migrations/1795432300000-change-feed-sequencing.js';
import * as deliveryWebhookIds from '../../migrations/1795433000000-delivery-webhook-ids.js';
import * as tokenClients from '../../migrations/1795433300000-token-clients.js';
import * as planEnds from '../../migrations/1795433400000-plan-ends.js';
import * as contentRetention from '../../migrations/1795433410000-content-retention.js';
import * as legalHolds from '../../migrations/1795433420000-legal-holds.js';
import * as planReviews from '../../migrations/1795434000000-plan-reviews.js';
import * as cooperationEvents from '../../migrations/1795434010000-cooperation-events.js';
import * as submissionAcknowledgedBy from '../../migrations/1795434100000-submission-acknowledged-by.js';
import * as changeNotifications from '../../migrations/1795434200000-change-notifications.js';
import * as retentionRuns from '../../migrations/1795434300000-retention-runs.js';
import * as auditExpiry from '../../migrations/1795434310000-audit-expiry.js';
import * as needEvaluations from '../../migrations/1795434400000-need-evaluations.js';

/**
 * Every migration, by file name (`<epoch-ms>-<name>`); kysely applies them in name order.
 * Imported statically rather than read from the folder so the same list works compiled,
 * under vitest and in a bundle. test/unit/db/migrations.test.ts checks no file in migrations/ is missing.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '1795431492354-initial-schema': initialSchema,
  '1795431700000-outbox-and-destinations': outboxAndDestinations,
  '1795431800000-lifecycle': lifecycle,
  '1795431900000-audit-log': auditLog,
  '1795432300000-change-feed-sequencing': changeFeedSequencing,
  '1795433000000-delivery-webhook-ids': deliveryWebhookIds,
  '1795433300000-token-clients': tokenClients,
  '1795433400000-plan-ends': planEnds,
  '1795433410000-content-retention': contentRetention,
  '1795433420000-legal-holds': legalHolds,
  '1795434000000-plan-reviews': planReviews,
  '1795434010000-cooperation-events': cooperationEvents,
  '1795434100000-submission-acknowledged-by': submissionAcknowledgedBy,
  '1795434200000-change-notifications': changeNotifications,
  '1795434300000-retention-runs': retentionRuns,
  '1795434310000-audit-expiry': auditExpiry,
  '1795434400000-need-evaluations': needEvaluations,
};
