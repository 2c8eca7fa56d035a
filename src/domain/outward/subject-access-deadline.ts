import { addDays, addMonths, daysBetween } from '../calendar.ts'

/** A time the clock stood still: waiting for proof of identity or for clarification. */
export interface ClockPause {
  reason: 'identity' | 'clarification'
  fromOn: string
  /** The day the wait ended; absent while it goes on. */
  toOn?: string | undefined
}

export interface SubjectAccessClock {
  /** The day the answer is due. */
  dueOn: string
  /** Days from today to the due day; negative when overdue. */
  daysLeft: number
  /** The clock is stopped today. */
  isPaused: boolean
  /** Days the clock has stood still, today's open pause included. */
  pausedDays: number
}

/**
 * When a subject access request must be answered (SAR; UK GDPR Art. 12(3)): one calendar
 * month after receipt (the corresponding day, or the last day of the month when there is
 * none: 31 January gives 28 or 29 February), extended by up to two further months with a
 * reason. The clock stops while the centre waits for proof of identity or for clarification:
 * the days it stood still move the start on (so a request waiting for identity from the day
 * it arrived is due one month after the identity came, as the ICO reads it). Overlapping
 * pauses count once. A pause still open counts up to today.
 */
export function subjectAccessClock(input: {
  receivedOn: string
  pauses: readonly ClockPause[]
  extensionMonths: number
  today: string
}): SubjectAccessClock {
  if (input.extensionMonths < 0 || input.extensionMonths > 2)
    throw new RangeError('an extension is of up to two months')
  const spans = input.pauses
    .map((p) => ({
      from: p.fromOn < input.receivedOn ? input.receivedOn : p.fromOn,
      to: p.toOn ?? (input.today > p.fromOn ? input.today : p.fromOn),
    }))
    .filter((s) => s.to > s.from)
    .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))
  let pausedDays = 0
  let reached = input.receivedOn
  for (const span of spans) {
    const from = span.from > reached ? span.from : reached
    if (span.to > from) {
      pausedDays += daysBetween(from, span.to)
      reached = span.to
    }
  }
  const dueOn = addMonths(addDays(input.receivedOn, pausedDays), 1 + input.extensionMonths)
  return {
    dueOn,
    daysLeft: daysBetween(input.today, dueOn),
    isPaused: input.pauses.some((p) => p.toOn === undefined && p.fromOn <= input.today),
    pausedDays,
  }
}
