import { CLAUSE_TITLES, type ClauseId } from '../policy/clauses.ts'
import { OUTCOME_WORDS, type AttendanceLine } from './attendance.ts'

/**
 * The documents Haven produces for people outside the centre, as plain structures: a title,
 * paragraphs and tables. Haven writes every word itself from fields whose shape holds nothing
 * more than the policy allows; no free text typed by a worker reaches these documents.
 */
export type Block =
  | { kind: 'heading'; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; columns: string[]; rows: string[][] }

export interface OutgoingDocument {
  title: string
  blocks: Block[]
}

export const CATEGORY_REQUEST_WORDS: Readonly<Record<string, string>> = {
  attendance: 'dates and times of attendance',
  contact_details: 'contact details',
  notes_or_reports: 'notes or reports',
  other: 'other information',
}

export const PURPOSE_WORDS: Readonly<Record<string, string>> = {
  family_proceedings: 'family proceedings',
  safeguarding_child: 'safeguarding a child',
  risk_of_violence: 'a risk of violence',
  required_by_law: 'a requirement of law',
  other: 'another purpose',
}

const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})
const longDate = (date: string): string => LONG_DATE.format(new Date(`${date}T00:00:00Z`))

/**
 * An attendance statement (ATTEND): the centre, the family's reference, the period and one
 * row per session with its date, times and outcome. No names, no notes, nothing else.
 */
export function attendanceStatement(input: {
  centreName: string
  familyReference: string
  recipientName: string
  period: { from: string; to: string }
  lines: readonly AttendanceLine[]
  issuedOn: string
  registerId: string
}): OutgoingDocument {
  return {
    title: 'Attendance statement',
    blocks: [
      { kind: 'paragraph', text: input.centreName },
      {
        kind: 'paragraph',
        text: `For ${input.recipientName}, about the family with our reference ${input.familyReference}, for ${longDate(input.period.from)} to ${longDate(input.period.to)}. Issued on ${longDate(input.issuedOn)}.`,
      },
      input.lines.length === 0
        ? { kind: 'paragraph', text: 'No sessions with a recorded outcome fall in this period.' }
        : {
            kind: 'table',
            columns: ['Date', 'From', 'To', 'Outcome'],
            rows: input.lines.map((l) => [
              longDate(l.date),
              l.starts,
              l.ends,
              OUTCOME_WORDS[l.outcome],
            ]),
          },
      {
        kind: 'paragraph',
        text: 'Our confidentiality policy lets us give the agency that referred a family the dates and times of attendance, and nothing else. Our volunteers and staff make no reports for family proceedings and cannot comment on the sessions.',
      },
      { kind: 'paragraph', text: `Disclosure register entry ${input.registerId}.` },
    ],
  }
}

/**
 * A refusal letter: what was asked, that it is refused, and why, in the policy's own words,
 * clause by clause (the clause's title, then the engine's reasons).
 */
export function refusalLetter(input: {
  centreName: string
  recipientName: string
  familyReference: string
  category: string
  purpose: string
  requestedOn: string
  clauses: readonly string[]
  reasons: readonly string[]
  issuedOn: string
  registerId: string
  policyAddress: string
}): OutgoingDocument {
  const titles = input.clauses.map((clause) => {
    const title = CLAUSE_TITLES[clause as ClauseId] as string | undefined
    return title === undefined ? clause : `${title} (${clause})`
  })
  return {
    title: 'Your request for information',
    blocks: [
      { kind: 'paragraph', text: input.centreName },
      { kind: 'paragraph', text: `To ${input.recipientName}. ${longDate(input.issuedOn)}.` },
      {
        kind: 'paragraph',
        text: `On ${longDate(input.requestedOn)} you asked for ${CATEGORY_REQUEST_WORDS[input.category] ?? 'information'} about the family with our reference ${input.familyReference}, for ${PURPOSE_WORDS[input.purpose] ?? 'a purpose you gave'}. We cannot give it.`,
      },
      { kind: 'heading', text: 'Why' },
      { kind: 'paragraph', text: 'Our confidentiality policy says:' },
      { kind: 'list', items: titles },
      ...(input.reasons.length > 0
        ? [
            { kind: 'paragraph' as const, text: 'In this case:' },
            { kind: 'list' as const, items: input.reasons.map((r) => sentence(r)) },
          ]
        : []),
      {
        kind: 'paragraph',
        text: `You can read the whole policy at ${input.policyAddress}. Disclosure register entry ${input.registerId}.`,
      },
    ],
  }
}

const sentence = (text: string): string =>
  `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`

/** A document as plain text, for the tests and for anyone who reads without a PDF viewer. */
export function documentText(doc: OutgoingDocument): string {
  const lines = [doc.title, '']
  for (const block of doc.blocks) {
    if (block.kind === 'heading' || block.kind === 'paragraph') lines.push(block.text)
    else if (block.kind === 'list') lines.push(...block.items.map((item) => `- ${item}`))
    else lines.push(block.columns.join(' | '), ...block.rows.map((row) => row.join(' | ')))
    lines.push('')
  }
  return lines.join('\n')
}

/**
 * A disposal certificate (RETAIN): what a run destroyed and kept, as counts by category, the
 * clause, the policy version, the dates and who approved. It names no person and no family.
 */
export function disposalCertificateDocument(input: {
  centreName: string
  runId: string
  policyVersion: number
  asOf: string
  completedOn: string
  approvedBy: string
  families: { wholly: number; partly: number }
  standaloneRecords: number
  destroyed: Readonly<Record<string, number>>
  kept: Readonly<Record<string, number>>
  skipped: number
  /** Families kept back by the centre, by reference (never a name, never the reason). */
  keptBack: readonly { reference: string; as: 'held' | 'excluded' }[]
  categoryWords: (category: string) => string
}): OutgoingDocument {
  const rows = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([category, n]) => [input.categoryWords(category), String(n)])
  return {
    title: 'Disposal certificate',
    blocks: [
      { kind: 'paragraph', text: input.centreName },
      {
        kind: 'paragraph',
        text: `Records unused for the years our policy sets were destroyed under the clause RETAIN of policy version ${String(input.policyVersion)}: judged due on ${longDate(input.asOf)}, destroyed on ${longDate(input.completedOn)}, approved by ${input.approvedBy}. Each family's key was destroyed first, so nothing sealed under it can be read again.`,
      },
      {
        kind: 'paragraph',
        text: `Families: ${String(input.families.wholly)} destroyed wholly, ${String(input.families.partly)} in part (records the policy keeps remain). Records with no family: ${String(input.standaloneRecords)}. Kept back by the centre: ${String(input.keptBack.length)}. Skipped because used since the plan: ${String(Math.max(0, input.skipped - input.keptBack.length))}.`,
      },
      { kind: 'heading', text: 'Destroyed' },
      rows(input.destroyed).length === 0
        ? { kind: 'paragraph', text: 'Nothing.' }
        : { kind: 'table', columns: ['Category', 'Records'], rows: rows(input.destroyed) },
      { kind: 'heading', text: 'Kept indefinitely by the policy' },
      rows(input.kept).length === 0
        ? { kind: 'paragraph', text: 'Nothing.' }
        : { kind: 'table', columns: ['Category', 'Records'], rows: rows(input.kept) },
      { kind: 'heading', text: 'Families kept back by the centre' },
      input.keptBack.length === 0
        ? { kind: 'paragraph', text: 'None.' }
        : {
            kind: 'table',
            columns: ['Family', 'Kept'],
            rows: input.keptBack.map((f) => [
              f.reference,
              f.as === 'held'
                ? 'On legal hold: kept until the hold is lifted'
                : 'Excluded from this run',
            ]),
          },
      { kind: 'paragraph', text: `Disposal run ${input.runId}.` },
    ],
  }
}
