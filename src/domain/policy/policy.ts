/**
 * A routine as data: the rules one organisation (or one of its units) follows for its
 * plans. The numbers differ between municipalities and providers, so they are kept per
 * organisation and unit, with the two routines of domain/brief.md as presets.
 */
import { z } from 'zod';
import { SIGNATURE_ROLES } from '../codes.js';
import { CONTENT_ITEM_KEYS } from '../lifecycle/content-items.js';

export const PRESET_NAMES = ['omsorg', 'lss'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const uniqueList = <T extends z.ZodType<string>>(item: T) =>
  z.array(item).refine((list) => new Set(list).size === list.length, { message: 'must not repeat an item' });

const days = z.number().int().min(1).max(366);

export const policySchema = z.strictObject({
  /** The preset the policy started from; a label for people, the rules are the fields below. */
  preset: z.enum(PRESET_NAMES),
  /** The plan must be established this many days after the intervention started. */
  establishWithinDays: days,
  /** Latest follow-up, counted from the established (or else drawn-up) date. */
  followUpMonths: z.number().int().min(1).max(60),
  /** Content items the plan must hold before it is established or submitted. */
  requiredContent: uniqueList(z.enum(CONTENT_ITEM_KEYS)),
  /** Roles that must sign every version. */
  requiredSignatureRoles: uniqueList(z.enum(SIGNATURE_ROLES)),
  /** Source systems (as in `/v1/systems/{system}`) whose plans the kontaktman must also sign. */
  contactPersonSignsInSystems: uniqueList(z.string().min(1).max(64)),
  /** A recorded refusal with its reason stands in for the person's signature. */
  personMaySignOrGiveReason: z.boolean(),
  /**
   * A guardian's signature (god man, förvaltare, vårdnadshavare: role `guardian`) satisfies
   * the person's signature; any guardian's counts, and two may sign.
   */
  guardianSignsForPerson: z.boolean(),
  /** Days after establishment that signatures may be outstanding before the plan is overdue. */
  signatureOutstandingAfterDays: days,
  /** Days after establishment before a sign-off reminder is sent for missing signatures. */
  signOffReminderAfterDays: days,
  /** Home care: the kontaktman tells the planner how the interventions are linked. */
  plannerNotificationForHomeCare: z.boolean(),
  /** A complete, signed plan is submitted (avges) to the case officer without being asked. */
  submitWhenCompleteAndSigned: z.boolean(),
  /**
   * At establishment and every follow-up the kontaktman checks the personal details
   * ("Uppgifter och övrig information") and records it (`POST /v1/plans/{id}/reviews`).
   */
  personalDetailsReview: z.boolean(),
  /** Days after establishment that the personal-details review may be missing before the plan is overdue. */
  personalDetailsReviewWithinDays: days,
  /**
   * Days after a changed external cooperation (samverkansmöte, SIP; `POST
   * /v1/plans/{id}/cooperation`) within which a revised version must be established.
   */
  cooperationRevisionWithinDays: days,
  /** Deviations and events are compiled monthly for the kontaktman. */
  monthlyCompilation: z.boolean(),
  /**
   * Days a version's content is kept after it is no longer needed (superseded and delivered,
   * or the plan ended); 0 prunes it at the next run. See retention.service.ts.
   */
  contentRetentionDays: z.number().int().min(0).max(3650),
});

/** A validated policy, as stored (JSON) per organisation or unit. */
export type Policy = z.output<typeof policySchema>;

/** Fields that `policies set` and the admin API may change on top of a preset. */
export const policyOverridesSchema = policySchema.omit({ preset: true }).partial();
export type PolicyOverrides = z.output<typeof policyOverridesSchema>;
