import { z } from 'zod'
import { ROLES } from '../roles.ts'
import type { ClauseId } from './clauses.ts'
import { brokenInvariants } from './invariants.ts'

/**
 * The policy document: every parameter in which the five seed policies differ, as data
 * (ENGINEERING.md §4). A centre starts from a preset and changes parameters; each change is
 * a new version. Validated with this schema before it is ever used: a document that fails
 * is never enforced.
 */
const role = z.enum(ROLES)

export const WORKER_KINDS = ['volunteer', 'staff'] as const
export type WorkerKind = (typeof WORKER_KINDS)[number]
export const RECORD_CATEGORIES = [
  'family_record',
  'referral',
  'session_record',
  'worker_record',
  'check_result',
  'incident',
  'accident_book',
  'safeguarding',
  'child_protection',
  'disclosure_register',
  'consent',
  'guidance_request',
] as const
export type RecordCategory = (typeof RECORD_CATEGORIES)[number]

export const EXCEPTION_RECIPIENTS = [
  'childrens_services',
  'police',
  'cafcass',
  'other_child_agency',
] as const
export type ExceptionRecipient = (typeof EXCEPTION_RECIPIENTS)[number]

export const CHECK_KINDS = ['dbs', 'crb'] as const
export const CHECK_LEVELS = ['basic', 'standard', 'enhanced'] as const
export const CHECK_BEFORE = [
  'starting',
  'taking_up_post',
  'appointment',
  'becoming_full_volunteer',
] as const
export type CheckLevel = (typeof CHECK_LEVELS)[number]

export const policyParameters = z.strictObject({
  /** NDX: who may export, print or share family data (the coordinator in every seed). */
  confidentiality: z.strictObject({ exportRoles: z.array(role).min(1) }),
  /** GUIDE: who answers a worker's request for guidance (the coordinator in every seed). */
  guidance: z.strictObject({ answeredBy: z.array(role).min(1) }),
  /** ATTEND: attendance to referring agencies, "and nothing else unless an exception" (C, H, P). */
  attendance: z.strictObject({ nothingElseUnlessException: z.boolean() }),
  /** CONTACT: a "required by law" path (H); who may reveal contact details. */
  contactDetails: z.strictObject({
    /** Chichester's "explicit permission": only a consent given in writing, or in Haven, counts. */
    isExplicitPermission: z.boolean(),
    hasRequiredByLaw: z.boolean(),
    revealRoles: z.array(role).min(1),
  }),
  /**
   * EXCEPT: when confidentiality yields, to whom, authorised by whom. A risk of physical
   * violence to anyone using the centre or working there is an exception at every centre, so
   * who is protected is not a parameter (decision 0027); a second person always signs an
   * exception disclosure off (an invariant, not a parameter: decision 0025).
   */
  exceptions: z.strictObject({
    recipients: z.array(z.enum(EXCEPTION_RECIPIENTS)).min(1),
    authorisedBy: z.array(role).min(1),
    notify: z.array(role),
    concernsVisibleTo: z.array(role).min(1),
  }),
  /** ASSESS: who approves an agreement for an assessment, and where it may happen. */
  assessments: z.strictObject({
    approvedBy: z.array(role).min(1),
    place: z.enum(['premises', 'contact_rooms']),
  }),
  /**
   * CHECKS: the kind of check that counts (a DBS check everywhere; a CRB certificate only
   * where the policy names the CRB), its level, before what (a volunteer may shadow a checked
   * worker while their check is pending only where the check is needed "before becoming a
   * full volunteer"), who sees results, and how long a check counts.
   */
  checks: z.strictObject({
    kind: z.enum(CHECK_KINDS),
    level: z.enum(CHECK_LEVELS),
    before: z.enum(CHECK_BEFORE),
    resultsVisibleTo: z.array(role).min(1),
    renewalMonths: z.number().int().min(1).max(120),
  }),
  /** SECURE: who must use a second factor. */
  security: z.strictObject({ secondFactorRoles: z.array(role) }),
  /** RETAIN: years unused before disposal; categories kept indefinitely; who approves. */
  retention: z.strictObject({
    years: z.number().int().min(1).max(100),
    keptIndefinitely: z.array(z.enum(RECORD_CATEGORIES)),
    approvedBy: z.array(role).min(1),
    isAutomatic: z.boolean(),
  }),
  /** AWARE: whether workers sign each new version (S's signature block). */
  awareness: z.strictObject({ workersSign: z.boolean() }),
  /** REVIEW: how often the policy is reviewed. */
  review: z.strictObject({ intervalMonths: z.number().int().min(1).max(24) }),
  /** SAR: the violent-crime exemption (P); children may ask up to an age (B). */
  subjectAccess: z.strictObject({
    hasViolentCrimeExemption: z.boolean(),
    childrenMayAskUntilAge: z.number().int().min(18).max(30).optional(),
  }),
})

export const policyDocument = z.strictObject({
  /** Stable id: a preset's name, or the centre's own. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/),
  version: z.number().int().min(1),
  centreName: z.string().min(1).max(200),
  basedOn: z.enum(['cordomus', 'st-marys', 'chichester', 'preston', 'birmingham']).optional(),
  /** The date this version was adopted (YYYY-MM-DD); a preset has one only where its seed does. */
  adopted: z.iso.date().optional(),
  parameters: policyParameters,
})

export type PolicyParameters = z.infer<typeof policyParameters>
export type PolicyDocument = z.infer<typeof policyDocument>

export interface PolicyProblem {
  /** Where in the document, e.g. `parameters.retention.years`. */
  path: string
  message: string
  /** The clause the problem would break, for an invariant (invariants.ts). */
  clause?: ClauseId
}

/**
 * Validates a document; returns it, or every problem with its path: first the shape, then
 * the clauses' invariants (invariants.ts), so that no policy, a centre's own included, can
 * break a clause.
 */
export function validatePolicy(
  value: unknown,
): { ok: true; policy: PolicyDocument } | { ok: false; problems: PolicyProblem[] } {
  const result = policyDocument.safeParse(value)
  if (!result.success)
    return {
      ok: false,
      problems: result.error.issues.map((issue) => ({
        path: issue.path.map(String).join('.') || '(document)',
        message: plainMessage(issue),
      })),
    }
  const broken = brokenInvariants(result.data.parameters)
  if (broken.length > 0) return { ok: false, problems: broken }
  return { ok: true, policy: result.data }
}

const TYPE_WORDS: Readonly<Record<string, string>> = {
  number: 'must be a whole number',
  int: 'must be a whole number',
  boolean: 'must be yes or no',
  array: 'must be a list',
  string: 'must be text',
  object: 'must be a group of settings',
}

/** One problem with the document in words a coordinator understands, not the schema's. */
export function plainMessage(issue: z.core.$ZodIssue): string {
  const or = (values: readonly unknown[]): string => {
    const words = values.map((v) => String(v).replaceAll('_', ' '))
    return words.length <= 1
      ? words.join('')
      : `${words.slice(0, -1).join(', ')} or ${words.at(-1) ?? ''}`
  }
  switch (issue.code) {
    case 'unrecognized_keys':
      return `${issue.keys.join(', ')} ${issue.keys.length === 1 ? 'is not a setting' : 'are not settings'} Haven knows`
    case 'invalid_type':
      if (/received undefined/.test(issue.message)) return 'this setting is missing'
      return TYPE_WORDS[issue.expected] ?? `must be ${issue.expected}`
    case 'too_small':
      if (issue.origin === 'array')
        return Number(issue.minimum) === 1
          ? 'choose at least one'
          : `choose at least ${String(issue.minimum)}`
      if (issue.origin === 'string') return 'must not be empty'
      return `must be ${String(issue.minimum)} or more`
    case 'too_big':
      if (issue.origin === 'array') return `choose no more than ${String(issue.maximum)}`
      if (issue.origin === 'string') return `must be ${String(issue.maximum)} characters or fewer`
      return `must be ${String(issue.maximum)} or less`
    case 'invalid_value':
      return `must be ${or(issue.values)}`
    case 'invalid_format':
      return issue.format === 'date'
        ? 'must be a date, like 2026-04-01'
        : issue.format === 'regex'
          ? 'must be lower-case letters, digits and hyphens, starting with a letter or digit'
          : `is not a valid ${issue.format}`
    default:
      return issue.message
  }
}

/**
 * Parameters retired because they changed only the rendered text, never a decision
 * (decision 0025), and the second sign-off of an exception, which is no longer optional.
 * Versions published before keep them in storage (a version never changes, and its hash is
 * of what was published); they are read through `upgradeStoredPolicy`.
 */
export const RETIRED_PARAMETERS = [
  'confidentiality.bound',
  'guidance.isExplicit',
  'reports',
  'exceptions.requiresSecondSignOff',
  // Who a risk of violence protects: everyone using or working at the centre (decision 0027).
  'exceptions.violenceRiskTo',
  'retention.reasonKept',
  'awareness.audiences',
  'review.keepsVersionHistory',
  'dataProtection',
  'subjectAccess.statement',
] as const

/** A stored document as this version of the schema reads it: retired parameters left out. */
export function upgradeStoredPolicy(value: unknown): unknown {
  if (!isRecord(value) || !isRecord(value.parameters)) return value
  const parameters = Object.fromEntries(
    Object.entries(value.parameters)
      .filter(([group]) => !(RETIRED_PARAMETERS as readonly string[]).includes(group))
      .map(([group, holder]) => [
        group,
        isRecord(holder)
          ? Object.fromEntries(
              Object.entries(holder).filter(
                ([key]) => !(RETIRED_PARAMETERS as readonly string[]).includes(`${group}.${key}`),
              ),
            )
          : holder,
      ]),
  )
  return { ...value, parameters }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}
