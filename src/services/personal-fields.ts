import { encryptionContexts } from '../crypto/contexts.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { RecordedSignature } from '../domain/lifecycle/signatures.js';

/**
 * Names, refusal reasons, deviation texts, consent wordings, cooperation notes, the summaries
 * of need evaluations and the reasons given for ending or holding a plan are personal data:
 * they are stored encrypted (text form), bound to their plan, and opened only on the way out.
 */
export function sealSignature<S extends RecordedSignature>(cipher: FieldCipher, planId: string, s: S): S {
  return s.signed
    ? { ...s, name: cipher.encryptText(s.name, encryptionContexts.signatureName(planId)) }
    : { ...s, reason: cipher.encryptText(s.reason, encryptionContexts.signatureReason(planId)) };
}

export function openSignature<S extends RecordedSignature>(cipher: FieldCipher, planId: string, s: S): S {
  return s.signed
    ? { ...s, name: cipher.decryptText(s.name, encryptionContexts.signatureName(planId)) }
    : { ...s, reason: cipher.decryptText(s.reason, encryptionContexts.signatureReason(planId)) };
}

/** What a pruned signature keeps of its name (signed) or refusal reason: the empty text, sealed. */
export const sealPrunedSignatureText = (cipher: FieldCipher, planId: string, signed: boolean): string =>
  cipher.encryptText(
    '',
    signed ? encryptionContexts.signatureName(planId) : encryptionContexts.signatureReason(planId),
  );

export const sealDeviationText = (cipher: FieldCipher, planId: string, text: string): string =>
  cipher.encryptText(text, encryptionContexts.deviationText(planId));

export const openDeviationText = (cipher: FieldCipher, planId: string, text: string): string =>
  cipher.decryptText(text, encryptionContexts.deviationText(planId));

export const sealConsentCovers = (cipher: FieldCipher, planId: string, covers: string): string =>
  cipher.encryptText(covers, encryptionContexts.consentCovers(planId));

export const openConsentCovers = (cipher: FieldCipher, planId: string, covers: string): string =>
  cipher.decryptText(covers, encryptionContexts.consentCovers(planId));

export const sealCooperationNote = (cipher: FieldCipher, planId: string, note: string): string =>
  cipher.encryptText(note, encryptionContexts.cooperationNote(planId));

export const openCooperationNote = (cipher: FieldCipher, planId: string, note: string): string =>
  cipher.decryptText(note, encryptionContexts.cooperationNote(planId));

export const sealNeedEvaluationSummary = (cipher: FieldCipher, planId: string, summary: string): string =>
  cipher.encryptText(summary, encryptionContexts.needEvaluationSummary(planId));

export const openNeedEvaluationSummary = (cipher: FieldCipher, planId: string, summary: string): string =>
  cipher.decryptText(summary, encryptionContexts.needEvaluationSummary(planId));

export const sealPlanEndReason = (cipher: FieldCipher, planId: string, reason: string): string =>
  cipher.encryptText(reason, encryptionContexts.planEndReason(planId));

export const sealLegalHoldReason = (cipher: FieldCipher, planId: string, reason: string): string =>
  cipher.encryptText(reason, encryptionContexts.legalHoldReason(planId));
