import { randomUUID } from 'node:crypto';
import { validPlan } from '../../helpers/plans.js';

/** One request's outcome: its status (0: no answer), how long it took, when it was sent. */
export interface Answer {
  kind: 'push' | 'status' | 'submit' | 'ready' | 'changes';
  status: number;
  ms: number;
  sentAt: number;
  retryAfter: string | null;
}

/** Answers counted by class, as the fault report prints them. */
export interface AnswerClasses {
  total: number;
  '2xx': number;
  '4xx': number;
  '503': number;
  'other 5xx': number;
  'no answer': number;
}

export function classify(answers: readonly Answer[]): AnswerClasses {
  const count = (test: (a: Answer) => boolean) => answers.filter(test).length;
  return {
    total: answers.length,
    '2xx': count((a) => a.status >= 200 && a.status < 300),
    '4xx': count((a) => a.status >= 400 && a.status < 500),
    '503': count((a) => a.status === 503),
    'other 5xx': count((a) => a.status >= 500 && a.status !== 503),
    'no answer': count((a) => a.status === 0),
  };
}

/** No request may wait longer than this for an answer: past it, it counts as no answer. */
const CLIENT_TIMEOUT_MS = 30_000;

/** A push whose answer was not 2xx, kept to be sent again with the same Idempotency-Key. */
export interface PendingPush {
  idempotencyKey: string;
  payload: unknown;
  sourcePlanId: string;
}

/**
 * The clients of an installation during a fault: systems pushing plans (each with an
 * Idempotency-Key), one polling plan status, one submitting finished plans. Every answer is
 * kept, every push that got no 2xx too, to be sent again once the fault is over.
 */
export class Traffic {
  readonly answers: Answer[] = [];
  readonly storedPlans: string[] = [];
  readonly unansweredPushes: PendingPush[] = [];
  readonly submissions: { planId: string; submissionId: string; at: number }[] = [];
  /** The long-poller's answers that brought changes: when each arrived (ms since the epoch). */
  readonly changesAnsweredAt: number[] = [];
  #cursor = '0';
  #running = false;
  #loops: Promise<void>[] = [];
  #n = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly authorization: string,
    private readonly organisation: string,
    private readonly label: string,
  ) {}

  async request(
    kind: Answer['kind'],
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ answer: Answer; json: unknown }> {
    const sentAt = Date.now();
    let status = 0;
    let json: unknown = null;
    let retryAfter: string | null = null;
    try {
      const res = await fetch(`${this.baseUrl}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: this.authorization,
          ...(init.body !== undefined && { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
        signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      const text = await res.text();
      json = text ? JSON.parse(text) : null;
    } catch {
      status = 0;
    }
    const answer: Answer = { kind, status, ms: Date.now() - sentAt, sentAt, retryAfter };
    this.answers.push(answer);
    return { answer, json };
  }

  /** Pushes one new plan (communicated, so it can be submitted); its id when stored. */
  async push(): Promise<string | null> {
    const sourcePlanId = `${this.label}-${++this.#n}`;
    const plan = validPlan({ municipalityCode: this.organisation, sourcePlanId });
    const payload = { ...plan, dates: { ...plan.dates, communicated: '2025-01-17' } };
    return this.sendPush({ idempotencyKey: randomUUID(), payload, sourcePlanId });
  }

  /** Sends (or sends again) a push; a push without a 2xx answer is kept for later unless `keep` is false. */
  async sendPush(push: PendingPush, { keep = true } = {}): Promise<string | null> {
    const { answer, json } = await this.request('push', '/v1/plans', {
      method: 'POST',
      body: push.payload,
      headers: { 'idempotency-key': push.idempotencyKey },
    });
    if (answer.status === 200 || answer.status === 201) {
      const id = (json as { id: string }).id;
      this.storedPlans.push(id);
      return id;
    }
    if (keep) this.unansweredPushes.push(push);
    return null;
  }

  /** Pushes a plan and submits it (avge); the submission when accepted. */
  async pushAndSubmit(): Promise<void> {
    const planId = await this.push();
    if (!planId) return;
    const { answer, json } = await this.request('submit', `/v1/plans/${planId}/submissions`, {
      method: 'POST',
    });
    if (answer.status === 202) {
      const submissionId = (json as { submissions: { id: string }[] }).submissions[0]!.id;
      this.submissions.push({ planId, submissionId, at: answer.sentAt });
    }
  }

  async pollStatus(): Promise<void> {
    const planId = this.storedPlans[Math.floor(Math.random() * this.storedPlans.length)];
    if (planId) await this.request('status', `/v1/plans/${planId}/status`);
  }

  /** One long poll of the change feed (`wait=5`), from the cursor of the last answer. */
  async followChanges(): Promise<void> {
    const { answer, json } = await this.request('changes', `/v1/changes?after=${this.#cursor}&wait=5`);
    if (answer.status !== 200) return;
    const page = json as { items: unknown[]; cursor: string };
    this.#cursor = page.cursor;
    if (page.items.length > 0) this.changesAnsweredAt.push(answer.sentAt + answer.ms);
  }

  /** Starts the clients: two pushing, one polling status, one submitting, one long-polling changes. */
  start(): void {
    this.#running = true;
    const loop = async (step: () => Promise<unknown>, pauseMs: number) => {
      while (this.#running) {
        await step();
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
    };
    this.#loops = [
      loop(() => this.push(), 40),
      loop(() => this.push(), 40),
      loop(() => this.pollStatus(), 20),
      loop(() => this.pushAndSubmit(), 100),
      loop(() => this.followChanges(), 0),
    ];
  }

  async stop(): Promise<void> {
    this.#running = false;
    await Promise.all(this.#loops);
  }
}
