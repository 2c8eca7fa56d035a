import { csvCell } from './csv.ts'
import { addDays, addMonths, daysBetween, minutesBetween } from './calendar.ts'

/**
 * The figures a centre reports each quarter to its national association, counted from its
 * own records and made safe to send: no figure lets a reader pick out a family. The rules
 * (docs/STATISTICS.md):
 *
 * - A count of people, families, referrals or sessions from 1 to 4 is shown as "fewer than
 *   5" (0 is shown: nothing happened, which names no one).
 * - In a breakdown whose total is shown, a single hidden cell could be worked out from the
 *   total and the others; so when exactly one cell is hidden, the smallest other non-zero
 *   cell is hidden too.
 * - Waiting times are shown only when at least 5 families make them up; the workers' hours
 *   only when at least 5 workers did them (a volunteer's own hours are theirs).
 */
export const SMALLEST_SHOWN = 5

/** A UK calendar quarter, "2026-Q3": July to September 2026. */
export interface Quarter {
  label: string
  from: string
  /** The last day, inclusive. */
  to: string
  words: string
}

const QUARTER = /^(\d{4})-Q([1-4])$/
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

export function parseQuarter(label: string): Quarter | undefined {
  const match = QUARTER.exec(label)
  if (!match) return undefined
  const year = Number(match[1])
  const n = Number(match[2])
  if (year < 2000 || year > 2100) return undefined
  const from = `${String(year)}-${String(n * 3 - 2).padStart(2, '0')}-01`
  const to = addDays(addMonths(from, 3), -1)
  return {
    label,
    from,
    to,
    words: `${MONTHS[n * 3 - 3] ?? ''} to ${MONTHS[n * 3 - 1] ?? ''} ${String(year)}`,
  }
}

/** The quarter a date falls in, and the one before it. */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${String(Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1)}`
}

export function previousQuarter(label: string): string {
  const q = parseQuarter(label)
  return q ? quarterOf(addDays(q.from, -1)) : label
}

/** What the records say about one quarter, before anything is hidden. */
export interface QuarterFacts {
  sessions: {
    familyId: string
    kind: string
    status: string
    startsAt: string
    endsAt: string
    workers: number
  }[]
  /** Children who arrived at a session in the quarter, by person. */
  childrenSeen: number
  referrals: { source: string; status: string }[]
  /** For each family whose first session was in the quarter: days from referral to it. */
  waits: number[]
  /** Distinct workers on duty at sessions held in the quarter. */
  workers: number
}

/** A figure as sent: the number, or why it is not shown. */
export interface Figure {
  label: string
  /** The true count: kept in Haven, never sent when hidden. */
  value: number
  shown: string
}

export interface QuarterReturn {
  quarter: Quarter
  sections: { title: string; figures: Figure[]; note?: string }[]
}

const HIDDEN = `fewer than ${String(SMALLEST_SHOWN)}`

function figure(label: string, value: number): Figure {
  return {
    label,
    value,
    shown: value > 0 && value < SMALLEST_SHOWN ? HIDDEN : String(value),
  }
}

/** A breakdown beside its total: a lone hidden cell takes the smallest other with it. */
function breakdown(cells: readonly Figure[]): Figure[] {
  const out = cells.map((c) => ({ ...c }))
  const hidden = out.filter((c) => c.shown === HIDDEN)
  if (hidden.length === 1) {
    const next = out
      .filter((c) => c.shown !== HIDDEN && c.value > 0)
      .sort((a, b) => a.value - b.value)[0]
    if (next) next.shown = 'not shown (it would reveal a smaller figure)'
  }
  return out
}

const SOURCE_WORDS: Readonly<Record<string, string>> = {
  solicitor: 'Solicitors',
  mediator: 'Mediators',
  cafcass: 'Cafcass',
  social_worker: "Children's services",
  court: 'Courts',
  other: 'Other agencies',
  self: 'Self-referrals (no agency)',
}

/** Where a referral stands now, in the words of a return. */
function outcomeOf(status: string): string {
  if (['accepted', 'waiting', 'active'].includes(status)) return 'Accepted'
  if (status === 'declined') return 'Declined'
  if (status === 'closed') return 'Closed'
  return 'Still being assessed'
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : Math.round(((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2)
}

/** The quarter's return, every rule above applied. */
export function quarterReturn(quarter: Quarter, facts: QuarterFacts): QuarterReturn {
  const held = facts.sessions.filter((s) => s.status === 'attended')
  const families = new Set(held.map((s) => s.familyId)).size
  const count = (status: string) => facts.sessions.filter((s) => s.status === status).length
  const bySource = new Map<string, number>()
  const byOutcome = new Map<string, number>()
  for (const r of facts.referrals) {
    bySource.set(r.source, (bySource.get(r.source) ?? 0) + 1)
    byOutcome.set(outcomeOf(r.status), (byOutcome.get(outcomeOf(r.status)) ?? 0) + 1)
  }
  const hours =
    held.reduce(
      (sum, s) => sum + s.workers * Math.max(0, minutesBetween(s.startsAt, s.endsAt)),
      0,
    ) / 60
  const kinds = [...new Set(facts.sessions.map((s) => s.kind))].sort()
  return {
    quarter,
    sections: [
      {
        title: 'Families and children seen',
        figures: [
          figure('Families who came to at least one session', families),
          figure('Children who came to at least one session', facts.childrenSeen),
        ],
      },
      {
        title: 'Referrals received, by source',
        figures: [
          figure('All referrals received', facts.referrals.length),
          ...breakdown(
            Object.keys(SOURCE_WORDS).map((source) =>
              figure(SOURCE_WORDS[source] ?? source, bySource.get(source) ?? 0),
            ),
          ),
        ],
      },
      {
        title: 'Referrals received, by where they stand now',
        figures: [
          figure('All referrals received', facts.referrals.length),
          ...breakdown(
            ['Accepted', 'Declined', 'Closed', 'Still being assessed'].map((o) =>
              figure(o, byOutcome.get(o) ?? 0),
            ),
          ),
        ],
      },
      {
        title: 'Sessions',
        figures: [
          figure('Sessions offered (booked)', facts.sessions.length),
          ...breakdown([
            figure('Attended', held.length),
            figure('Cancelled', count('cancelled')),
            figure('Not attended', count('did_not_attend')),
            figure('Booked, not yet closed', count('booked')),
          ]),
          ...breakdown(
            kinds.map((kind) =>
              figure(`Of which ${kind}`, facts.sessions.filter((s) => s.kind === kind).length),
            ),
          ),
        ],
      },
      {
        title: 'Waiting',
        figures:
          facts.waits.length >= SMALLEST_SHOWN
            ? [
                figure('Families whose first session was in the quarter', facts.waits.length),
                {
                  label: 'Median days from referral to first session',
                  value: median(facts.waits),
                  shown: String(median(facts.waits)),
                },
                {
                  label: 'Longest wait, days',
                  value: Math.max(...facts.waits),
                  shown: String(Math.max(...facts.waits)),
                },
              ]
            : [figure('Families whose first session was in the quarter', facts.waits.length)],
        ...(facts.waits.length >= SMALLEST_SHOWN
          ? {}
          : {
              note: `Waiting times are shown when at least ${String(SMALLEST_SHOWN)} families make them up.`,
            }),
      },
      {
        title: 'Volunteers and staff',
        figures: [
          figure('Workers on duty at sessions held', facts.workers),
          {
            label: 'Hours on duty at sessions held',
            value: Math.round(hours),
            shown:
              facts.workers >= SMALLEST_SHOWN || facts.workers === 0
                ? String(Math.round(hours))
                : `not shown (fewer than ${String(SMALLEST_SHOWN)} workers)`,
          },
        ],
      },
    ],
  }
}

/** The return as CSV: section, figure, what is sent. Hidden figures stay hidden here too. */
export function quarterReturnCsv(r: QuarterReturn): string {
  const lines = [['Quarter', 'Section', 'Figure', 'Value'].join(',')]
  for (const s of r.sections)
    for (const f of s.figures)
      lines.push([r.quarter.label, s.title, f.label, f.shown].map(csvCell).join(','))
  return `${lines.join('\r\n')}\r\n`
}

/** Days from a referral's receipt to a first session on a day (never less than 0). */
export function waitDays(receivedOn: string, firstSessionOn: string): number {
  return Math.max(0, daysBetween(receivedOn, firstSessionOn))
}
