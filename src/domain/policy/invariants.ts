import { SECOND_FACTOR_ROLES, type Role } from '../roles.ts'
import { rolesFor } from './abilities.ts'
import type { ClauseId } from './clauses.ts'
import type { PolicyParameters, RecordCategory } from './document.ts'
import { categoryWords, list, roleWords } from './words.ts'

/**
 * What no policy may say, whoever writes it (decision 0025). A centre starts from a preset
 * and may change any parameter, but a document that breaks one of these is refused, naming
 * the field and the clause it would break, in words a coordinator understands. docs/POLICY.md
 * lists them ("What no policy may say"), written from this table.
 */
export interface Invariant {
  /** The parameter, e.g. `contactDetails.revealRoles` (under `parameters.`). */
  path: string
  clause: ClauseId
  /** The invariant in words, for the table in docs/POLICY.md. */
  says: string
  /** The problem, in words, or undefined when the parameters keep the invariant. */
  check(parameters: PolicyParameters): string | undefined
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

/** Roles that may never appear in a role list: "volunteers may never reveal …". */
function never(
  path: string,
  clause: ClauseId,
  forbidden: readonly Role[],
  verb: string,
  roles: (p: PolicyParameters) => readonly Role[],
): Invariant {
  return {
    path,
    clause,
    says: `${capitalise(list(forbidden.map(roleWords)))} may never ${verb}.`,
    check: (p) => {
      const bad = roles(p).filter((role) => forbidden.includes(role))
      return bad.length === 0 ? undefined : `${list(bad.map(roleWords))} may never ${verb}`
    },
  }
}

const OUTSIDERS: readonly Role[] = ['referrer', 'parent']
const BELOW_STAFF: readonly Role[] = ['volunteer', ...OUTSIDERS]

/** The categories a policy may keep indefinitely: the seeds' own, and the records of harm. */
export const MAY_BE_KEPT_INDEFINITELY: readonly RecordCategory[] = [
  'accident_book',
  'referral',
  'safeguarding',
  'child_protection',
  'incident',
  'disclosure_register',
]

export const MAX_RETENTION_YEARS = 10
export const MAX_REVIEW_MONTHS = 12

export const INVARIANTS: readonly Invariant[] = [
  never(
    'confidentiality.exportRoles',
    'NDX',
    ['staff', ...BELOW_STAFF],
    'export, print or share family data',
    (p) => p.confidentiality.exportRoles,
  ),
  {
    path: 'confidentiality.exportRoles',
    clause: 'NDX',
    says: 'The coordinator always exports: releases, statements and subject access bundles go through them.',
    check: (p) =>
      p.confidentiality.exportRoles.includes('coordinator')
        ? undefined
        : 'the coordinator always confirms releases and compiles subject access bundles, so must be among those who export family data',
  },
  never(
    'guidance.answeredBy',
    'GUIDE',
    BELOW_STAFF,
    "answer workers' requests for guidance",
    (p) => p.guidance.answeredBy,
  ),
  never(
    'contactDetails.revealRoles',
    'CONTACT',
    BELOW_STAFF,
    "reveal a parent's contact details",
    (p) => p.contactDetails.revealRoles,
  ),
  {
    path: 'contactDetails.revealRoles',
    clause: 'NDX',
    says: "Only roles that read every family's records reveal contact details: nobody reveals the details of a family they may not see.",
    check: (p) => {
      const readers = rolesFor('see_all_families', p)
      const bad = p.contactDetails.revealRoles.filter(
        (role) => !BELOW_STAFF.includes(role) && !readers.includes(role),
      )
      return bad.length === 0
        ? undefined
        : `${list(bad.map(roleWords))} ${bad.length === 1 ? 'does' : 'do'} not read families' records, so may not reveal a parent's contact details; only ${list(readers.map(roleWords))} may`
    },
  },
  {
    path: 'exceptions.authorisedBy',
    clause: 'EXCEPT',
    says: 'Those who authorise a disclosure when someone is at risk are among those who record requests for the centre (they see the concerns a disclosure answers).',
    check: (p) => {
      const able = rolesFor('record_disclosures', p)
      const bad = p.exceptions.authorisedBy.filter(
        (role) => !BELOW_STAFF.includes(role) && !able.includes(role),
      )
      return bad.length === 0
        ? undefined
        : `${list(bad.map(roleWords))} may not authorise a disclosure when someone is at risk; only ${list(able.map(roleWords))} may, as those who authorise must record requests for the centre`
    },
  },
  never(
    'exceptions.authorisedBy',
    'EXCEPT',
    BELOW_STAFF,
    'authorise a disclosure when someone is at risk',
    (p) => p.exceptions.authorisedBy,
  ),
  never(
    'exceptions.notify',
    'EXCEPT',
    BELOW_STAFF,
    'be told of a disclosure made when someone is at risk',
    (p) => p.exceptions.notify,
  ),
  never(
    'exceptions.concernsVisibleTo',
    'EXCEPT',
    BELOW_STAFF,
    'see the safeguarding concerns others raise',
    (p) => p.exceptions.concernsVisibleTo,
  ),
  never(
    'assessments.approvedBy',
    'ASSESS',
    BELOW_STAFF,
    'approve an agreement for an assessment',
    (p) => p.assessments.approvedBy,
  ),
  never(
    'checks.resultsVisibleTo',
    'CHECKS',
    BELOW_STAFF,
    "see workers' check results",
    (p) => p.checks.resultsVisibleTo,
  ),
  {
    path: 'security.secondFactorRoles',
    clause: 'SECURE',
    says: `${capitalise(list(SECOND_FACTOR_ROLES.map(roleWords)))} see protected data, so they always sign in with a second factor.`,
    check: (p) => {
      const missing = SECOND_FACTOR_ROLES.filter(
        (role) => !p.security.secondFactorRoles.includes(role),
      )
      return missing.length === 0
        ? undefined
        : `${list(missing.map(roleWords))} see protected data, so they must sign in with a second factor`
    },
  },
  {
    path: 'retention.years',
    clause: 'RETAIN',
    says: `Unused information is destroyed after at most ${String(MAX_RETENTION_YEARS)} years (the seeds say three or five; DPA: not kept longer than needed).`,
    check: (p) =>
      p.retention.years > MAX_RETENTION_YEARS
        ? `unused information may be kept for ${String(MAX_RETENTION_YEARS)} years at most, not ${String(p.retention.years)}`
        : undefined,
  },
  {
    path: 'retention.keptIndefinitely',
    clause: 'RETAIN',
    says: `Only ${list(MAY_BE_KEPT_INDEFINITELY.map(categoryWords))} may be kept indefinitely.`,
    check: (p) => {
      const bad = p.retention.keptIndefinitely.filter(
        (category) => !MAY_BE_KEPT_INDEFINITELY.includes(category),
      )
      return bad.length === 0
        ? undefined
        : `${list(bad.map(categoryWords))} may never be kept indefinitely; only ${list(MAY_BE_KEPT_INDEFINITELY.map(categoryWords))} may`
    },
  },
  never(
    'retention.approvedBy',
    'RETAIN',
    BELOW_STAFF,
    'approve destroying records',
    (p) => p.retention.approvedBy,
  ),
  {
    path: 'review.intervalMonths',
    clause: 'REVIEW',
    says: `The policy is reviewed at least every ${String(MAX_REVIEW_MONTHS)} months ("annually" in every seed).`,
    check: (p) =>
      p.review.intervalMonths > MAX_REVIEW_MONTHS
        ? `the policy must be reviewed at least once a year, not every ${String(p.review.intervalMonths)} months`
        : undefined,
  },
]

/**
 * Invariants the engine's rules hold whatever the parameters say, so no parameter sets them;
 * listed with the others in docs/POLICY.md.
 */
export const BUILT_IN: readonly { clause: ClauseId; says: string }[] = [
  {
    clause: 'EXCEPT',
    says: 'A disclosure when someone is at risk always needs a second person to sign it off, who is not the person asking (there is no setting that turns this off).',
  },
  {
    clause: 'NOREPORT',
    says: 'No report is written for family proceedings; attendance facts at most.',
  },
  {
    clause: 'CHECKS',
    says: 'No worker is put on a session without a clear check in date, except a volunteer shadowing a checked worker while their own check is pending, where the policy asks for the check before becoming a full volunteer.',
  },
]

/** Every broken invariant, each with the field (under `parameters.`) and the clause. */
export function brokenInvariants(
  parameters: PolicyParameters,
): { path: string; clause: ClauseId; message: string }[] {
  const problems: { path: string; clause: ClauseId; message: string }[] = []
  for (const invariant of INVARIANTS) {
    const message = invariant.check(parameters)
    if (message !== undefined)
      problems.push({
        path: `parameters.${invariant.path}`,
        clause: invariant.clause,
        message: `${message} (${invariant.clause})`,
      })
  }
  return problems
}
