/**
 * An attendance statement (ATTEND, NOREPORT): the dates and times of a family's sessions and
 * whether each was attended, cancelled or not attended, and nothing else. No names, no notes,
 * no room, no one's words: the shape of the line makes it impossible to carry more.
 */
export type AttendanceOutcome = 'attended' | 'cancelled' | 'did_not_attend'

export interface AttendanceLine {
  /** YYYY-MM-DD */
  date: string
  /** HH:MM, wall-clock at the centre */
  starts: string
  ends: string
  outcome: AttendanceOutcome
}

export const OUTCOME_WORDS: Readonly<Record<AttendanceOutcome, string>> = {
  attended: 'Attended',
  cancelled: 'Cancelled',
  did_not_attend: 'Did not attend',
}

/**
 * A session's outcome for the statement, or undefined when there is none to state yet (a
 * session still to come, or one in the past whose outcome nobody recorded: it is left out
 * rather than guessed).
 */
export function attendanceOutcome(
  session: { startsAt: string; status: string; hasArrival: boolean },
  now: string,
): AttendanceOutcome | undefined {
  if (session.status === 'cancelled') return 'cancelled'
  if (session.startsAt > now) return undefined
  if (session.status === 'did_not_attend') return 'did_not_attend'
  if (session.status === 'attended') return 'attended'
  if (session.status === 'booked' && session.hasArrival) return 'attended'
  return undefined
}

/** The statement's lines from a family's sessions within the period, earliest first. */
export function attendanceLines(
  sessions: readonly { startsAt: string; endsAt: string; status: string; hasArrival: boolean }[],
  period: { from: string; to: string },
  now: string,
): AttendanceLine[] {
  const lines: AttendanceLine[] = []
  for (const s of [...sessions].sort((a, b) => (a.startsAt < b.startsAt ? -1 : 1))) {
    const date = s.startsAt.slice(0, 10)
    if (date < period.from || date > period.to) continue
    const outcome = attendanceOutcome(s, now)
    if (outcome === undefined) continue
    lines.push({ date, starts: s.startsAt.slice(11, 16), ends: s.endsAt.slice(11, 16), outcome })
  }
  return lines
}

/** The statement as CSV (RFC 4180): a header row, then one row per session. */
export function attendanceCsv(lines: readonly AttendanceLine[]): string {
  const rows = ['date,starts,ends,outcome']
  for (const line of lines)
    rows.push(`${line.date},${line.starts},${line.ends},${OUTCOME_WORDS[line.outcome]}`)
  return `${rows.join('\r\n')}\r\n`
}

/** How many of each outcome: for the register, which records what left, never the lines. */
export function countOutcomes(lines: readonly AttendanceLine[]): Record<AttendanceOutcome, number> {
  const counts = { attended: 0, cancelled: 0, did_not_attend: 0 }
  for (const line of lines) counts[line.outcome] += 1
  return counts
}
