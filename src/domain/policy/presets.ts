import { ROUTINE_000_CONTENT } from '../lifecycle/content-items.js';
import type { Policy, PresetName } from './policy.js';

/**
 * Neither routine says how long the hub may keep its transit copies; the record lives in the
 * personakt. Policy choice: a quarter, long enough to answer a question about a delivery.
 */
const DEFAULT_CONTENT_RETENTION_DAYS = 90;

/**
 * Routine 003 asks for a samverkansmöte or SIP "vid behov av förändrad samverkan – som kan
 * påverka genomförandeplanens aktiviteter och rutiner", and routine 000 for a follow-up "vid
 * någon förändring"; neither sets a time. Policy choice: the revised plan within 30 days.
 */
const DEFAULT_COOPERATION_REVISION_DAYS = 30;

/**
 * Routine 000 (Omsorgsförvaltningen, Procapita/Lifecare).
 * - "inom 14 dagar"; "följas upp en gång per halvår, eller vid någon förändring"
 * - "signeras av den enskilde, om den enskilde inte skrivit under ska anledning till detta
 *   framgå"; "även signeras av enhetschef"; "upprättad i Lifecare ska signeras av kontaktman"
 * - "Endast hemtjänst: … meddela planeraren hur insatserna ska kopplas"
 * - "I samband med upprättande eller uppföljning … se över så att information under fliken
 *   ”Uppgifter och övrig information” stämmer": the personal-details review. The routine sets
 *   no limit; policy choice: 14 days after establishment, the routine's own window.
 *
 * A ställföreträdare (god man, förvaltare, vårdnadshavare) signs for a person who cannot: the
 * routine names only "den enskilde", and a guardian acts in the person's name, so policy
 * choice: a guardian's signature counts as the person's (in both presets).
 *
 * The routine sets no limit for outstanding signatures. Policy choice, not law: 14 days after
 * establishment, the same window the routine gives for establishing the plan, with a reminder
 * halfway (7 days).
 */
const omsorg: Policy = {
  preset: 'omsorg',
  establishWithinDays: 14,
  followUpMonths: 6,
  requiredContent: [...ROUTINE_000_CONTENT],
  requiredSignatureRoles: ['person', 'unit_manager'],
  contactPersonSignsInSystems: ['lifecare'],
  personMaySignOrGiveReason: true,
  guardianSignsForPerson: true,
  signatureOutstandingAfterDays: 14,
  signOffReminderAfterDays: 7,
  plannerNotificationForHomeCare: true,
  submitWhenCompleteAndSigned: false,
  personalDetailsReview: true,
  personalDetailsReviewWithinDays: 14,
  cooperationRevisionWithinDays: DEFAULT_COOPERATION_REVISION_DAYS,
  monthlyCompilation: false,
  contentRetentionDays: DEFAULT_CONTENT_RETENTION_DAYS,
};

/**
 * Routine 003 (LSS provider, Pulsen Combine).
 * - "senast tre veckor efter att en kund har påbörjat insats" (21 days)
 * - "revideras minst en gång per år, eller vid behov" (12 months)
 * - "Möjlighet för kund att signera": the person is offered to sign; a declined offer is
 *   recorded as a refusal with its reason. No other signature is named.
 * - "När den reviderade genomförandeplanen är komplett ska den avges till LSS-handläggare"
 * - "Månatligen: Kontaktman sammanställer … avvikelser … händelser av vikt"
 *
 * The routine sets no limit for the person's signature. Policy choice: 21 days after
 * establishment (the routine's own window), reminder after 14.
 */
const lss: Policy = {
  preset: 'lss',
  establishWithinDays: 21,
  followUpMonths: 12,
  requiredContent: [...ROUTINE_000_CONTENT],
  requiredSignatureRoles: ['person'],
  contactPersonSignsInSystems: [],
  personMaySignOrGiveReason: true,
  guardianSignsForPerson: true,
  signatureOutstandingAfterDays: 21,
  signOffReminderAfterDays: 14,
  plannerNotificationForHomeCare: false,
  submitWhenCompleteAndSigned: true,
  // Routine 003 has no personal-details review (the tab belongs to Lifecare, routine 000).
  personalDetailsReview: false,
  personalDetailsReviewWithinDays: 14,
  cooperationRevisionWithinDays: DEFAULT_COOPERATION_REVISION_DAYS,
  monthlyCompilation: true,
  contentRetentionDays: DEFAULT_CONTENT_RETENTION_DAYS,
};

export const PRESETS: Readonly<Record<PresetName, Policy>> = { omsorg, lss };

/**
 * A stored policy with the fields added since it was stored taken from its preset: a policy
 * set before a rule existed follows the preset's choice for that rule until it is set again.
 */
export function completePolicy(stored: Policy): Policy {
  return { ...presetPolicy(stored.preset), ...stored };
}

/** A fresh copy of a preset, safe to modify. */
export function presetPolicy(name: PresetName): Policy {
  return structuredClone(PRESETS[name]);
}
