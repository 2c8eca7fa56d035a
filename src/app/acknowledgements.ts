import { isRole } from '../domain/roles.ts'
import { listAccountsOfCentre, listRolesOfCentre } from '../storage/accounts.ts'
import { insertAcknowledgement, listAcknowledgements } from '../storage/policies.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'
import { decide, policyActor, policyInForce, refusal, requireAbility } from './policy-access.ts'

/**
 * A worker acknowledges the version of the policy in force (AWARE; at St Mary's the
 * acknowledgement is the signature the policy asks for). Acknowledging twice changes nothing.
 */
export async function acknowledgePolicy(
  ctx: AppContext,
  actor: Actor,
): Promise<{ version: number }> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const decision = decide(policy, {
      action: 'acknowledge_policy',
      actor: policyActor(actor, 'none'),
    })
    if (decision.effect === 'deny') throw refusal(decision)
    const version = policy.ref.version
    const isNew = await insertAcknowledgement(trx, {
      centreId: actor.centreId,
      accountId: actor.accountId,
      version,
      at: ctx.now().toISOString(),
    })
    if (isNew)
      await recordEvent(trx, {
        type: 'policy.acknowledged',
        at: ctx.now(),
        centreId: actor.centreId,
        actorId: actor.accountId,
        details: { version },
      })
    return { version }
  })
}

/** Who has acknowledged the version in force, and who has not yet (REVIEW, AWARE). */
export async function acknowledgementsOfPolicy(
  ctx: AppContext,
  actor: Actor,
): Promise<{
  version: number
  people: { accountId: string; displayName: string; acknowledgedAt: string | null }[]
}> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await requireAbility(ctx, actor, 'read_acknowledgements', trx)
    const version = policy.ref.version
    const signed = new Map(
      (await listAcknowledgements(trx, actor.centreId, version)).map((a) => [a.accountId, a.at]),
    )
    const workers = new Set(
      (await listRolesOfCentre(trx, actor.centreId))
        .filter(
          (r) =>
            isRole(r.role) &&
            decide(policy, {
              action: 'acknowledge_policy',
              actor: { roles: [r.role], relationship: 'none', hasSecondFactor: true },
            }).effect === 'permit',
        )
        .map((r) => r.accountId),
    )
    const people = (await listAccountsOfCentre(trx, actor.centreId))
      .filter((a) => workers.has(a.id))
      .map((a) => ({
        accountId: a.id,
        displayName: a.displayName,
        acknowledgedAt: signed.get(a.id) ?? null,
      }))
    return { version, people }
  })
}

/** Whether the actor has acknowledged the version in force (their own, so no one else's). */
export async function ownAcknowledgement(
  ctx: AppContext,
  actor: Actor,
): Promise<{ version: number; acknowledgedAt: string | null }> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const version = policy.ref.version
    const own = (await listAcknowledgements(trx, actor.centreId, version)).find(
      (a) => a.accountId === actor.accountId,
    )
    return { version, acknowledgedAt: own?.at ?? null }
  })
}
