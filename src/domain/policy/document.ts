import { z } from 'zod'
import { ROLES } from '../roles.ts'

/**
 * The policy document: every parameter in which the five seed policies differ, as data
 * (ENGINEERING.md §4). A centre starts from a preset and changes parameters; each change is
 * a new version. Validated with this schema before it is ever used: a document that fails
 * is never enforced.
 */
const role = z.enum(ROLES)

export const WORKER_KINDS = ['volunteer', 'staff'] as const
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
export type CheckLevel = (typeof CHECK_LEVELS)[number]

export const policyParameters = z.strictObject({
  /** NDX: whom the duty not to disclose names ("volunteers" at C, H, P, B; "staff" at S). */
  confidentiality: z.strictObject({
    bound: z.array(z.enum(WORKER_KINDS)).min(1),
    /** Roles below coordinator have no export, print or share of family data. */
    exportRoles: z.array(role).min(1),
  }),
  /** GUIDE: workers may ask the coordinator for guidance inside the system (explicit at H). */
  guidance: z.strictObject({ isExplicit: z.boolean(), answeredBy: z.array(role).min(1) }),
  /** NOREPORT: the proceedings for which no report is made. */
  reports: z.strictObject({
    refusedFor: z.enum(['family_proceedings', 'family_court_proceedings']),
  }),
  /** ATTEND: attendance to referring agencies, "and nothing else unless an exception" (C, H, P). */
  attendance: z.strictObject({ nothingElseUnlessException: z.boolean() }),
  /** CONTACT: permission needed; "explicit" and a "required by law" path at H. */
  contactDetails: z.strictObject({
    isExplicitPermission: z.boolean(),
    hasRequiredByLaw: z.boolean(),
    revealRoles: z.array(role).min(1),
  }),
  /**
   * EXCEPT: when confidentiality yields, to whom, authorised by whom. A risk of physical
   * violence to anyone using the centre or working there is an exception at every centre, so
   * who is protected is not a parameter (decision 0027).
   */
  exceptions: z.strictObject({
    recipients: z.array(z.enum(EXCEPTION_RECIPIENTS)).min(1),
    authorisedBy: z.array(role).min(1),
    requiresSecondSignOff: z.boolean(),
    notify: z.array(role),
    concernsVisibleTo: z.array(role).min(1),
  }),
  /** ASSESS: who approves an agreement for an assessment, and where it may happen. */
  assessments: z.strictObject({
    approvedBy: z.array(role).min(1),
    place: z.enum(['premises', 'contact_rooms']),
  }),
  /** CHECKS: the kind and level of check, when, and who sees results. */
  checks: z.strictObject({
    kind: z.enum(CHECK_KINDS),
    level: z.enum(CHECK_LEVELS),
    before: z.enum(['starting', 'taking_up_post', 'appointment', 'becoming_full_volunteer']),
    resultsVisibleTo: z.array(role).min(1),
    renewalMonths: z.number().int().min(1).max(120),
  }),
  /** SECURE: who must use a second factor. */
  security: z.strictObject({ secondFactorRoles: z.array(role) }),
  /** RETAIN: years unused before disposal; categories kept indefinitely, and why. */
  retention: z.strictObject({
    years: z.number().int().min(1).max(100),
    keptIndefinitely: z.array(z.enum(RECORD_CATEGORIES)),
    reasonKept: z.string().max(500).optional(),
    approvedBy: z.array(role).min(1),
    isAutomatic: z.boolean(),
  }),
  /** AWARE: who is told of the policy; whether workers sign it (S's signature block). */
  awareness: z.strictObject({
    audiences: z.array(z.enum(['users', 'referrers', 'volunteers', 'staff'])).min(1),
    workersSign: z.boolean(),
  }),
  /** REVIEW: how often, whether a version history is kept (B), whether updated "if necessary". */
  review: z.strictObject({
    intervalMonths: z.number().int().min(1).max(24),
    keepsVersionHistory: z.boolean(),
  }),
  /** DPA: stated in the policy (P) or by reference to a Data Protection Policy (S, B). */
  dataProtection: z.strictObject({ statement: z.enum(['explicit', 'by_reference', 'none']) }),
  /** SAR: stated (P); children may ask up to 25 (B); violent-crime exemption (P). */
  subjectAccess: z.strictObject({
    statement: z.enum(['explicit', 'by_reference', 'none']),
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
}

/**
 * Fields that documents published before decision 0027 may hold and that no longer decide
 * anything: they are read as absent, never refused, so that a centre's published versions
 * stay valid and keep their hashes. `exceptions.violenceRiskTo` named some of the people a
 * risk of violence protects; every centre now protects everyone it could name.
 */
function withoutRetiredFields(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value
  const parameters = (value as { parameters?: unknown }).parameters
  if (typeof parameters !== 'object' || parameters === null) return value
  const exceptions = (parameters as { exceptions?: unknown }).exceptions
  if (typeof exceptions !== 'object' || exceptions === null || !('violenceRiskTo' in exceptions))
    return value
  const rest = Object.fromEntries(
    Object.entries(exceptions).filter(([key]) => key !== 'violenceRiskTo'),
  )
  return { ...value, parameters: { ...parameters, exceptions: rest } }
}

/** Validates a document; returns it, or every problem with its path. */
export function validatePolicy(
  value: unknown,
): { ok: true; policy: PolicyDocument } | { ok: false; problems: PolicyProblem[] } {
  const result = policyDocument.safeParse(withoutRetiredFields(value))
  if (result.success) return { ok: true, policy: result.data }
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.') || '(document)',
      message:
        issue.code === 'unrecognized_keys'
          ? `unknown field ${issue.keys.join(', ')}`
          : issue.message,
    })),
  }
}
