/** The largest value of a PostgreSQL bigint, as decimal text. */
const MAX_BIGINT = '9223372036854775807';

/**
 * A decimal (digits only, no leading zeros) that a bigint column can hold: a cursor or an id
 * the store handed out. Text of the same length compares as numbers do.
 */
export function fitsBigint(digits: string): boolean {
  return digits.length < MAX_BIGINT.length || (digits.length === MAX_BIGINT.length && digits <= MAX_BIGINT);
}
