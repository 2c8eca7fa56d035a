import { addMonths } from '../calendar.ts'
import type { PolicyParameters, RecordCategory } from './document.ts'
import type { RetentionVerdict } from './decision.ts'
import { categoryWords } from './words.ts'

/**
 * RETAIN: a record unused for the policy's number of years is due for disposal, unless its
 * category is kept indefinitely or it is on legal hold. "Used" means business activity,
 * not someone glancing at it; the caller passes the date of last use.
 */
export function retentionVerdict(
  parameters: PolicyParameters,
  record: { category: RecordCategory; lastUsedOn: string; isOnLegalHold: boolean },
  today: string,
): RetentionVerdict {
  if (parameters.retention.keptIndefinitely.includes(record.category)) {
    return {
      verdict: 'keep_indefinitely',
      why: `this policy keeps ${categoryWords(record.category)} indefinitely`,
    }
  }
  const dueOn = addMonths(record.lastUsedOn, parameters.retention.years * 12)
  if (record.isOnLegalHold) return { verdict: 'on_hold', dueOn, why: 'a legal hold stops disposal' }
  if (today >= dueOn)
    return { verdict: 'due', dueOn, why: `unused for ${parameters.retention.years} years` }
  return {
    verdict: 'keep',
    dueOn,
    why: `in use within the last ${parameters.retention.years} years`,
  }
}
