import { addMonths } from '../calendar.ts'
import type { PolicyDocument } from './document.ts'

/**
 * REVIEW: a policy is reviewed every interval (twelve months in every seed), and a review is
 * recorded even when nothing changes. Versions, once published, are immutable; a change is a
 * new version, and two versions can be compared in words.
 */
export function nextReviewDue(lastReviewedOn: string, intervalMonths: number): string {
  return addMonths(lastReviewedOn, intervalMonths)
}

export function isReviewOverdue(
  lastReviewedOn: string,
  intervalMonths: number,
  today: string,
): boolean {
  return today > nextReviewDue(lastReviewedOn, intervalMonths)
}

const LABELS: Record<string, string> = {
  centreName: "the centre's name",
  'parameters.confidentiality.exportRoles': 'who may export family data',
  'parameters.guidance.answeredBy': 'who answers guidance requests',
  'parameters.attendance.nothingElseUnlessException': 'giving referrers nothing but attendance',
  'parameters.contactDetails.isExplicitPermission': 'explicit permission (in writing or in Haven)',
  'parameters.contactDetails.hasRequiredByLaw': 'the "required by law" path',
  'parameters.contactDetails.revealRoles': 'who may reveal contact details',
  'parameters.exceptions.recipients': 'who may receive a safeguarding disclosure',
  'parameters.exceptions.authorisedBy': 'who authorises a safeguarding disclosure',
  'parameters.exceptions.notify': 'who is told of a safeguarding disclosure',
  'parameters.exceptions.concernsVisibleTo': 'who sees safeguarding concerns',
  'parameters.assessments.approvedBy': 'who approves assessments',
  'parameters.assessments.place': 'where assessments may happen',
  'parameters.checks.kind': 'the kind of worker check',
  'parameters.checks.level': 'the level of worker check',
  'parameters.checks.before': 'when the check is needed',
  'parameters.checks.resultsVisibleTo': 'who sees check results',
  'parameters.checks.renewalMonths': 'months between check renewals',
  'parameters.security.secondFactorRoles': 'who must use a second factor',
  'parameters.retention.years': 'years before unused information is destroyed',
  'parameters.retention.keptIndefinitely': 'what is kept indefinitely',
  'parameters.retention.approvedBy': 'who approves disposal',
  'parameters.retention.isAutomatic': 'automatic disposal',
  'parameters.awareness.workersSign': 'workers signing the policy',
  'parameters.review.intervalMonths': 'months between reviews',
  'parameters.subjectAccess.hasViolentCrimeExemption': 'the violent-crime exemption',
  'parameters.subjectAccess.childrenMayAskUntilAge': 'the age up to which children may ask',
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value))
      flatten(child, prefix === '' ? key : `${prefix}.${key}`, out)
  } else {
    out.set(prefix, value)
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing'
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map(show).join(', ')
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'string') return value.replaceAll('_', ' ')
  return JSON.stringify(value)
}

/** What changed from one version to the next, one sentence per changed parameter. */
export function describeChanges(from: PolicyDocument, to: PolicyDocument): string[] {
  const a = new Map<string, unknown>()
  const b = new Map<string, unknown>()
  flatten({ centreName: from.centreName, parameters: from.parameters }, '', a)
  flatten({ centreName: to.centreName, parameters: to.parameters }, '', b)
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort()
  const changes: string[] = []
  for (const path of paths) {
    const before = a.get(path)
    const after = b.get(path)
    if (JSON.stringify(before) === JSON.stringify(after)) continue
    changes.push(`${capitalise(LABELS[path] ?? path)}: ${show(before)} → ${show(after)}.`)
  }
  return changes
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
