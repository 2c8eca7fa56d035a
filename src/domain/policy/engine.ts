import { createHash } from 'node:crypto'
import { canonicalJson } from '../audit-chain.ts'
import {
  ABILITIES,
  ABILITY_DEFINITIONS,
  ACTOR_ACTIONS,
  CENTRE_READS,
  type Ability,
  type Permission,
} from './abilities.ts'
import type { ClauseId } from './clauses.ts'
import type { Decision, Obligation, PolicyRef } from './decision.ts'
import { validatePolicy, type PolicyDocument, type PolicyParameters } from './document.ts'
import { FAMILY_FIELDS, type Action, type PolicyRequest } from './request.ts'
import { RULES, type Rule } from './rules.ts'
import { retentionVerdict } from './retention.ts'

/** A validated policy with its rules indexed by action and resource type. */
export interface CompiledPolicy {
  ref: PolicyRef
  parameters: PolicyParameters
  /** action → resource type (or '*') → the rules to evaluate. */
  index: ReadonlyMap<string, ReadonlyMap<string, readonly Rule[]>>
}

export class InvalidPolicyError extends Error {
  override name = 'InvalidPolicyError'
}

/** The content hash of a policy document: SHA-256 of its canonical JSON. */
export function policyHash(policy: PolicyDocument): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex')
}

/**
 * Validates and compiles a policy. A document that fails validation is never used: this
 * throws, naming the first problem's path.
 */
export function compilePolicy(document: unknown, rules: readonly Rule[] = RULES): CompiledPolicy {
  const validated = validatePolicy(document)
  if (!validated.ok) {
    const first = validated.problems[0]
    throw new InvalidPolicyError(`invalid policy: ${first?.path ?? ''}: ${first?.message ?? ''}`)
  }
  const policy = validated.policy
  const index = new Map<string, Map<string, Rule[]>>()
  for (const rule of rules) {
    const byResource = index.get(rule.action) ?? new Map<string, Rule[]>()
    index.set(rule.action, byResource)
    for (const resource of rule.resources ?? ['*']) {
      const list = byResource.get(resource) ?? []
      list.push(rule)
      byResource.set(resource, list)
    }
  }
  return {
    // The hash of the document as published (retired fields included), so that a decision
    // names the very version the centre stored.
    ref: { id: policy.id, version: policy.version, hash: policyHash(document as PolicyDocument) },
    parameters: policy.parameters,
    index,
  }
}

const DEFAULT_CLAUSE: Readonly<Record<Action, ClauseId>> = {
  read: 'NDX',
  reveal: 'CONTACT',
  export: 'NDX',
  disclose: 'NDX',
  book_assessment: 'ASSESS',
  assign: 'CHECKS',
  dispose: 'RETAIN',
  subject_access: 'SAR',
  ask_guidance: 'GUIDE',
  rectify: 'DPA',
  publish_policy: 'REVIEW',
  record_review: 'REVIEW',
  acknowledge_policy: 'AWARE',
  ...(Object.fromEntries(
    ABILITIES.map((ability) => [ability, ABILITY_DEFINITIONS[ability].clause]),
  ) as Record<Ability, ClauseId>),
}

/**
 * Decides a request under a compiled policy. Only the rules indexed under the request's
 * action and resource type are evaluated. Deny by default; any forbid beats every permit;
 * a rule that throws makes the decision a deny that reports the error.
 */
export function decide(policy: CompiledPolicy, request: PolicyRequest): Decision {
  const resource = 'resource' in request ? request.resource.type : '*'
  const byResource = policy.index.get(request.action)
  const outcome: Outcome = { permits: [], forbids: [], errors: [] }
  evaluateAll(byResource?.get(resource), request, policy.parameters, outcome)
  if (resource !== '*') evaluateAll(byResource?.get('*'), request, policy.parameters, outcome)
  const { permits, forbids, errors } = outcome
  const retention =
    request.action === 'dispose'
      ? retentionVerdict(policy.parameters, request.record, request.today)
      : undefined
  const extra = retention ? { retention } : {}
  if (errors.length > 0) {
    return {
      effect: 'deny',
      clauses: unique(errors.map((e) => e.rule.clause)),
      reasons: ['a clause could not be evaluated'],
      errors: errors.map((e) => e.message),
      policy: policy.ref,
      ...extra,
    }
  }
  if (forbids.length > 0) {
    return {
      effect: 'deny',
      clauses: unique(forbids.map((f) => f.rule.clause)),
      reasons: forbids.map((f) => f.reason),
      errors: [],
      policy: policy.ref,
      ...extra,
    }
  }
  if (permits.length === 0) {
    return {
      effect: 'deny',
      clauses: [DEFAULT_CLAUSE[request.action]],
      reasons: ['no clause of the policy permits this'],
      errors: [],
      policy: policy.ref,
      ...extra,
    }
  }
  const redact = intersectRedactions(
    permits.map((rule) => rule.redact?.(request, policy.parameters) ?? []),
  )
  const clauses = unique(permits.map((rule) => rule.clause))
  const field = request.action === 'read' ? request.resource.field : undefined
  // Fail closed: a field Haven does not know for this kind of record is never shown.
  if (field !== undefined && !(KNOWN_FIELDS[resource] ?? []).includes(field)) {
    return {
      effect: 'deny',
      clauses,
      reasons: [`the field ${field} is not one Haven knows for this record, so it is not shown`],
      errors: [],
      policy: policy.ref,
      ...extra,
    }
  }
  if (field !== undefined && redact.includes(field)) {
    return {
      effect: 'deny',
      clauses,
      reasons: [`the field ${field} is not shown to this reader`],
      errors: [],
      policy: policy.ref,
      ...extra,
    }
  }
  const obligations = uniqueObligations(
    permits.flatMap((rule) => rule.obligations?.(request, policy.parameters) ?? []),
  )
  return { effect: 'permit', clauses, obligations, redact, policy: policy.ref, ...extra }
}

/** The fields each kind of record has; any other field name is refused. */
const KNOWN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  family: FAMILY_FIELDS,
  person: FAMILY_FIELDS,
  session: FAMILY_FIELDS,
  referral: FAMILY_FIELDS,
  worker: ['check_result'],
}

interface Outcome {
  permits: Rule[]
  forbids: { rule: Rule; reason: string }[]
  errors: { rule: Rule; message: string }[]
}

function evaluateAll(
  rules: readonly Rule[] | undefined,
  request: PolicyRequest,
  parameters: PolicyParameters,
  outcome: Outcome,
): void {
  if (rules === undefined) return
  for (const rule of rules) {
    try {
      const verdict = rule.evaluate(request, parameters)
      if (verdict === undefined) continue
      if (rule.effect === 'forbid')
        outcome.forbids.push({ rule, reason: verdict.reason ?? rule.clause })
      else outcome.permits.push(rule)
    } catch (error) {
      outcome.errors.push({
        rule,
        message: `${rule.clause}: ${error instanceof Error ? error.message : 'error'}`,
      })
    }
  }
}

/** Where several clauses permit, a field stays hidden only if every one of them hides it. */
function intersectRedactions(lists: string[][]): string[] {
  const [first, ...rest] = lists
  if (!first) return []
  if (rest.length === 0) return first.length <= 1 ? first : [...first].sort()
  return first.filter((field) => rest.every((list) => list.includes(field))).sort()
}

function unique<T>(values: T[]): T[] {
  return values.length <= 1 ? values : [...new Set(values)]
}

function uniqueObligations(obligations: Obligation[]): Obligation[] {
  if (obligations.length <= 1) return obligations
  const seen = new Map<string, Obligation>()
  for (const obligation of obligations) seen.set(JSON.stringify(obligation), obligation)
  return [...seen.values()]
}

/**
 * What the actor may do at the centre: each ability, and each kind of record they may read
 * across the centre, with the clauses that permit it. The pages offer exactly these.
 */
export function abilitiesOf(
  policy: CompiledPolicy,
  actor: PolicyRequest['actor'],
): ReadonlyMap<Permission, readonly ClauseId[]> {
  const granted = new Map<Permission, readonly ClauseId[]>()
  for (const action of ABILITIES) {
    const decision = decide(policy, { action, actor })
    if (decision.effect === 'permit') granted.set(action, decision.clauses)
  }
  for (const type of CENTRE_READS) {
    const decision = decide(policy, {
      action: 'read',
      actor: { ...actor, relationship: 'none' },
      resource: { type },
    })
    if (decision.effect === 'permit') granted.set(`read:${type}`, decision.clauses)
  }
  for (const action of ACTOR_ACTIONS) {
    const decision = decide(policy, { action, actor })
    if (decision.effect === 'permit') granted.set(action, decision.clauses)
  }
  const exporting = decide(policy, { action: 'export', actor, resource: { type: 'family' } })
  if (exporting.effect === 'permit') granted.set('export', exporting.clauses)
  return granted
}

/** The engine's decision on one ability for this actor. */
export function decideAbility(
  policy: CompiledPolicy,
  actor: PolicyRequest['actor'],
  ability: Ability,
): Decision {
  return decide(policy, { action: ability, actor })
}
