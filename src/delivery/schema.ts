import type { ColumnType, Generated, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | undefined, Date>;

/**
 * Work for the queue, written in the same transaction as the change that causes it
 * (transactional outbox) and moved to BullMQ by the relay.
 */
export interface OutboxTable {
  /** bigserial: read back as a decimal string, since it can exceed 2^53. */
  id: ColumnType<string, never, never>;
  /** A job name from the catalogue. */
  kind: string;
  payload: ColumnType<unknown, string, never>;
  /**
   * The delivery's Standard Webhooks `webhook-id` (`msg_` + 32 hex digits of a random UUID),
   * set by the database when the row is written; also the BullMQ job id, so every retry of
   * the job carries it.
   */
  webhook_id: ColumnType<string, never, never>;
  available_at: Timestamp;
  relayed_at: ColumnType<Date | null, never, Date>;
  created_at: Timestamp;
}

export const DESTINATION_KINDS = ['submission', 'signoff', 'planner', 'status'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** Where an organisation's outbound deliveries of one kind go. */
export interface DestinationsTable {
  id: Generated<string>;
  organisation: string;
  kind: DestinationKind;
  system: string;
  url: string;
  /** The signing secret as encoded by the destination secret codec; never leaves through an API. */
  secret_sealed: string;
  created_at: Timestamp;
  disabled_at: Timestamp | null;
}

export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One outbound delivery (one job to one destination), tracked across its attempts. */
export interface DeliveriesTable {
  id: Generated<string>;
  destination_id: string;
  job_name: string;
  /** The BullMQ job id (the outbox row's webhook id); unique, so a re-relayed job finds its existing delivery. */
  job_id: string;
  plan_id: string | null;
  version: number | null;
  /** The Standard Webhooks `webhook-id`, the same on every retry (the receiver's idempotency key). */
  webhook_id: string;
  attempts: Generated<number>;
  status: Generated<DeliveryStatus>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  delivered_at: Timestamp | null;
}

/** The tables this module owns; the application's database interface extends it. */
export interface JobTables {
  outbox: OutboxTable;
  destinations: DestinationsTable;
  deliveries: DeliveriesTable;
}

export type OutboxRow = Selectable<OutboxTable>;
export type DestinationRow = Selectable<DestinationsTable>;
export type DeliveryRow = Selectable<DeliveriesTable>;
