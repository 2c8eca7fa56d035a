import { addMonths, isIsoDate } from '../calendar.ts'

/**
 * A child contact centre sees children: a date of birth that makes the child an adult on the
 * day that matters (the referral's, or today for a child added later) is a mistyped year.
 */
export const OLDEST_CHILD_YEARS = 18

/**
 * What is wrong with a child's date of birth, in words for the form, or undefined: it is a
 * real date, not still to come (`today`), and makes the child under 18 on the day `asOf`
 * gives: the day the family was referred, or today for a child added now.
 */
export function childDateOfBirthProblem(
  dateOfBirth: string,
  today: string,
  asOf: { referredOn: string } | 'today',
): string | undefined {
  const asOn = asOf === 'today' ? today : asOf.referredOn
  if (!isIsoDate(dateOfBirth)) return 'a date of birth is a real date, YYYY-MM-DD'
  if (dateOfBirth > today) return 'a date of birth is today or before: that date is still to come'
  if (dateOfBirth <= addMonths(asOn, -12 * OLDEST_CHILD_YEARS))
    return asOf === 'today'
      ? `that date of birth makes the child ${String(OLDEST_CHILD_YEARS)} or older; check the year`
      : `that date of birth makes the child ${String(OLDEST_CHILD_YEARS)} or older when referred; check the year`
  return undefined
}
