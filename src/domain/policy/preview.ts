import { addMonths } from '../calendar.ts'
import { requiresSecondFactor, ROLES, type Role } from '../roles.ts'
import type { Decision } from './decision.ts'
import {
  CHECK_KINDS,
  CHECK_LEVELS,
  EXCEPTION_RECIPIENTS,
  RECORD_CATEGORIES,
  type PolicyDocument,
} from './document.ts'
import { compilePolicy, decide, type CompiledPolicy } from './engine.ts'
import { policyRequest, type PolicyRequestInput } from './request.ts'
import { atRiskWords, categoryWords, recipientWords, roles } from './words.ts'

/**
 * Which decisions a new version would change (REVIEW): a fixed set of questions, each asked
 * of the version in force and of the new one, and the answers that differ, in words. Shown
 * on the policy's "check your changes" step before it is published.
 */
export interface DecisionChange {
  what: string
  before: string
  after: string
}

const WHO: Readonly<Record<Role, string>> = {
  coordinator: 'The coordinator',
  chair: 'The Chair',
  management: 'A member of the Management Team',
  staff: 'A member of staff',
  volunteer: 'A volunteer',
  referrer: 'A referrer',
  parent: 'A parent',
}

type Question =
  | { what: string; request: PolicyRequestInput }
  | { what: string; answer: (document: PolicyDocument) => string }

function questions(today: string): Question[] {
  const out: Question[] = []
  const yearsAgo = (n: number): string => addMonths(today, -12 * n)
  for (const role of ROLES) {
    const actor = { roles: [role] }
    out.push(
      {
        what: `${WHO[role]} exports family data`,
        request: { action: 'export', actor, resource: { type: 'family' } },
      },
      {
        what: `${WHO[role]} reveals a parent's contact details, giving a reason`,
        request: { action: 'reveal', actor, resource: { type: 'person' }, reason: 'a reason' },
      },
      {
        what: `${WHO[role]} reads a worker's check result`,
        request: { action: 'read', actor, resource: { type: 'check_result' } },
      },
      {
        what: `${WHO[role]} reads a safeguarding concern someone else raised`,
        request: { action: 'read', actor, resource: { type: 'safeguarding_concern' } },
      },
      {
        what: `${WHO[role]} reads a worker's request for guidance`,
        request: { action: 'read', actor, resource: { type: 'guidance_request' } },
      },
      {
        what: `${WHO[role]} tells the police that a child is at risk, with a second sign-off`,
        request: {
          action: 'disclose',
          actor,
          category: 'other',
          recipient: { kind: 'police' },
          purpose: 'safeguarding_child',
          atRisk: 'child',
          hasSecondSignOff: true,
        },
      },
      {
        what: `An assessment on the premises agreed by ${roles([role])}`,
        request: {
          action: 'book_assessment',
          actor: { roles: ['coordinator'] },
          agreement: { approvedBy: [role], place: 'premises' },
        },
      },
      {
        what: `${WHO[role]} signs in with a second factor`,
        answer: (d) =>
          requiresSecondFactor([role], d.parameters.security.secondFactorRoles, false)
            ? 'yes'
            : 'no',
      },
    )
  }
  const disclose = (what: string, extra: Partial<PolicyRequestInput>): Question => ({
    what,
    request: {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'other',
      recipient: { kind: 'police' },
      purpose: 'safeguarding_child',
      atRisk: 'child',
      hasSecondSignOff: true,
      ...extra,
    } as PolicyRequestInput,
  })
  for (const recipient of EXCEPTION_RECIPIENTS.filter((r) => r !== 'police'))
    out.push(
      disclose(`The coordinator tells ${recipientWords(recipient)} that a child is at risk`, {
        recipient: { kind: recipient },
      }),
    )
  for (const atRisk of ['users', 'volunteers', 'staff'] as const)
    out.push(
      disclose(
        `The coordinator tells the police that ${atRiskWords(atRisk)} is at risk of violence`,
        {
          purpose: 'risk_of_violence',
          atRisk,
        },
      ),
    )
  out.push(
    {
      what: "A referring agency asks for a parent's contact details, with the parent's consent",
      request: {
        action: 'disclose',
        actor: { roles: ['coordinator'] },
        category: 'contact_details',
        recipient: { kind: 'referring_agency', isReferrerOfFamily: true, isVerified: true },
        purpose: 'other',
        consent: {
          isLive: true,
          matchesCategory: true,
          matchesRecipient: true,
          matchesPurpose: true,
        },
      },
    },
    {
      what: "A court orders a parent's contact details disclosed, its reference recorded",
      request: {
        action: 'disclose',
        actor: { roles: ['coordinator'] },
        category: 'contact_details',
        recipient: { kind: 'other_agency' },
        purpose: 'required_by_law',
        legalBasis: 'a court order',
      },
    },
    {
      what: 'An assessment agreed by the coordinator for the premises, outside the contact rooms',
      request: {
        action: 'book_assessment',
        actor: { roles: ['coordinator'] },
        agreement: { approvedBy: ['coordinator'], place: 'premises' },
      },
    },
    {
      what: 'A new version of the policy is published',
      request: { action: 'publish_policy', actor: { roles: ['coordinator'] } },
    },
  )
  for (const kind of ['volunteer', 'staff'] as const)
    for (const checkKind of CHECK_KINDS)
      for (const level of CHECK_LEVELS)
        for (const [outcome, alongside] of [
          ['clear', false],
          ['pending', true],
        ] as const)
          out.push({
            what: `A ${kind === 'staff' ? 'member of staff' : 'volunteer'} whose ${level} ${checkKind === 'crb' ? 'CRB' : 'DBS'} check is ${outcome === 'clear' ? 'clear' : 'under way'} is put on a session${alongside ? ' with a checked worker' : ''}`,
            request: {
              action: 'assign',
              actor: { roles: ['coordinator'] },
              worker: {
                kind,
                checks: [
                  {
                    kind: checkKind,
                    level,
                    outcome,
                    issuedOn: yearsAgo(1),
                    renewalDueOn: addMonths(today, 120),
                  },
                ],
                isAcquaintedWithFamily: false,
              },
              isAlongsideCheckedWorker: alongside,
              on: today,
            },
          })
  for (let years = 1; years <= 10; years += 1)
    out.push({
      what: `A worker whose clear enhanced DBS check was issued ${String(years)} year${years === 1 ? '' : 's'} ago is put on a session`,
      request: {
        action: 'assign',
        actor: { roles: ['coordinator'] },
        worker: {
          kind: 'staff',
          checks: [
            {
              kind: 'dbs',
              level: 'enhanced',
              outcome: 'clear',
              issuedOn: addMonths(yearsAgo(years), -1),
              renewalDueOn: addMonths(today, 120),
            },
          ],
          isAcquaintedWithFamily: false,
        },
        on: today,
      },
    })
  for (const category of RECORD_CATEGORIES)
    for (let years = 1; years <= 11; years += 1)
      out.push({
        what: `${capitalise(categoryWords(category))} unused for ${String(years)} year${years === 1 ? '' : 's'} are destroyed`,
        request: {
          action: 'dispose',
          actor: { roles: ['coordinator'] },
          record: { category, lastUsedOn: addMonths(yearsAgo(years), -1) },
          today,
        },
      })
  return out
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

/** An answer in words: refused, or allowed with what must follow that a centre can change. */
function outcome(decision: Decision): string {
  if (decision.effect === 'deny') return 'refused'
  const conditions = decision.obligations.flatMap((o) =>
    o.kind === 'approval'
      ? [`once ${roles(o.roles)} approves`]
      : o.kind === 'notify'
        ? [`telling ${roles(o.roles)}`]
        : o.kind === 'workers_acknowledge'
          ? ['workers sign it']
          : [],
  )
  return conditions.length === 0 ? 'allowed' : `allowed, ${conditions.join(', ')}`
}

function answer(question: Question, document: PolicyDocument, compiled: CompiledPolicy): string {
  if ('answer' in question) return question.answer(document)
  return outcome(decide(compiled, policyRequest.parse(question.request)))
}

/** The decisions that differ between two valid versions, as of `today` (YYYY-MM-DD). */
export function decisionsThatChange(
  before: PolicyDocument,
  after: PolicyDocument,
  today: string,
): DecisionChange[] {
  const a = compilePolicy(before)
  const b = compilePolicy(after)
  const changes: DecisionChange[] = []
  for (const question of questions(today)) {
    const was = answer(question, before, a)
    const will = answer(question, after, b)
    if (was !== will) changes.push({ what: question.what, before: was, after: will })
  }
  return changes
}
