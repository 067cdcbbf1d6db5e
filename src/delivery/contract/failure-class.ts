/** Why a delivery attempt failed, in a few classes: never the URL, the body or anything personal. */
export const FAILURE_CLASSES = [
  'http_4xx',
  'http_408_429',
  'http_5xx',
  'timeout',
  'network',
  'destination',
  'other',
] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

/**
 * The class of a delivery's last failure, from what `sendToDestination` records: the
 * receiver's status code, or for attempts without one the reason `deliver` gave.
 */
export function failureClass(statusCode: number | null, error: string | null): FailureClass {
  if (statusCode !== null) {
    if (statusCode === 408 || statusCode === 429) return 'http_408_429';
    if (statusCode >= 500) return 'http_5xx';
    if (statusCode >= 400) return 'http_4xx';
    return 'other';
  }
  if (error === 'timeout') return 'timeout';
  if (error?.startsWith('network error') || error === 'aborted') return 'network';
  if (error?.startsWith('destination')) return 'destination';
  return 'other';
}
