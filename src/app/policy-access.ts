import { HavenError } from '../domain/errors.ts'
import { upgradeStoredPolicy } from '../domain/policy/document.ts'
import type { Ability, Permission } from '../domain/policy/abilities.ts'
import {
  abilitiesOf,
  compilePolicy,
  decide,
  decideAbility,
  type CompiledPolicy,
} from '../domain/policy/engine.ts'
import type { Decision } from '../domain/policy/decision.ts'
import type { PolicyRequest, Relationship } from '../domain/policy/request.ts'
import type { Db } from '../storage/database.ts'
import { findLatestPolicyRef, findLatestPolicyVersion } from '../storage/policies.ts'
import type { Actor } from './actor.ts'
import type { AppContext } from './context.ts'

const CACHE_LIMIT = 500

/**
 * The centre's policy in force, compiled. A published version never changes, so compiled
 * policies are kept by content hash; a new version is a new hash. Inside a page's read
 * (`onePageRead`) it is read once: the page is one snapshot, in which it cannot change. A stored policy that no
 * longer validates is refused (the engine never runs on an invalid policy).
 */
export async function policyInForce(
  ctx: AppContext,
  trx: Db,
  centreId: string,
): Promise<CompiledPolicy> {
  const known = ctx.page?.policies.get(centreId)
  if (known) return known
  const reading = readPolicyInForce(ctx, trx, centreId)
  ctx.page?.policies.set(centreId, reading)
  return reading
}

async function readPolicyInForce(
  ctx: AppContext,
  trx: Db,
  centreId: string,
): Promise<CompiledPolicy> {
  const ref = await findLatestPolicyRef(trx, centreId)
  if (!ref) throw new HavenError('internal', 'this centre has no policy')
  const cached = ctx.compiledPolicies.get(ref.hash)
  if (cached) return cached
  const latest = await findLatestPolicyVersion(trx, centreId)
  if (!latest) throw new HavenError('internal', 'this centre has no policy')
  let compiled: CompiledPolicy
  try {
    // A version published before a parameter was retired is read without it; decisions
    // still name the hash of the version as it was published.
    const upgraded = compilePolicy(upgradeStoredPolicy(latest.document))
    compiled = { ...upgraded, ref: { ...upgraded.ref, hash: latest.hash } }
  } catch {
    throw new HavenError('internal', 'the stored policy does not validate')
  }
  if (ctx.compiledPolicies.size >= CACHE_LIMIT) ctx.compiledPolicies.clear()
  ctx.compiledPolicies.set(ref.hash, compiled)
  return compiled
}

/** The actor as the engine sees them: roles, relationship to the record, second factor. */
export function policyActor(actor: Actor, relationship: Relationship): PolicyRequest['actor'] {
  return { roles: actor.roles, relationship, hasSecondFactor: actor.hasSecondFactor }
}

export { decide }
export type { Decision }

/** The decision's refusal as an error for paths where a refusal is not an expected outcome. */
export function refusal(decision: Extract<Decision, { effect: 'deny' }>): HavenError {
  return new HavenError('forbidden', decision.reasons.join('; '), undefined, decision.clauses)
}

/** Whether the actor may, under this policy (abilities.ts). */
export function hasAbility(policy: CompiledPolicy, actor: Actor, ability: Ability): boolean {
  return decideAbility(policy, policyActor(actor, 'none'), ability).effect === 'permit'
}

/** Refuses, with the policy's reason and clause, an actor without the ability. */
export function assertAbility(policy: CompiledPolicy, actor: Actor, ability: Ability): void {
  const decision = decideAbility(policy, policyActor(actor, 'none'), ability)
  if (decision.effect === 'deny') throw refusal(decision)
}

/**
 * Refuses, as the centre's policy in force decides, an actor without the ability; returns
 * the policy for the rest of the use case. Read outside the use case's transaction when it
 * comes first (the policy in force changes only by publishing a new version).
 */
export async function requireAbility(
  ctx: AppContext,
  actor: Actor,
  ability: Ability,
  db: Db = ctx.db,
): Promise<CompiledPolicy> {
  const policy = await policyInForce(ctx, db, actor.centreId)
  assertAbility(policy, actor, ability)
  return policy
}

/** Everything the actor may do at their centre, for the pages to offer and nothing more. */
export async function abilitiesOfActor(ctx: AppContext, actor: Actor): Promise<Abilities> {
  const policy = await policyInForce(ctx, ctx.db, actor.centreId)
  return new Set(abilitiesOf(policy, policyActor(actor, 'none')).keys())
}

/** The abilities (and centre-wide reads) an actor holds, as the pages read them. */
export type Abilities = ReadonlySet<Permission>
export type { Ability, Permission }
