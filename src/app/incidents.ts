import { isLocalDateTime } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import type { ResourceType } from '../domain/policy/request.ts'
import { rolesFor } from '../domain/policy/abilities.ts'
import type { Role } from '../domain/roles.ts'
import {
  listAccessStopsOfCentre,
  listAccountsOfCentre,
  listRolesOfCentre,
} from '../storage/accounts.ts'
import type { Db } from '../storage/database.ts'
import { familyReferences, findFamily, touchFamily } from '../storage/families.ts'
import { insertIncident, listIncidents as listStoredIncidents } from '../storage/incidents.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { queueMessage } from './outbox.ts'
import { decide, policyActor, policyInForce, requireAbility } from './policy-access.ts'

export const INCIDENT_KINDS = ['accident', 'incident', 'safeguarding_concern'] as const
export type IncidentKind = (typeof INCIDENT_KINDS)[number]

/** The resource each kind is read as: the accident book, incidents, safeguarding concerns. */
const RESOURCE: Readonly<Record<IncidentKind, ResourceType>> = {
  accident: 'accident_book',
  incident: 'incident',
  safeguarding_concern: 'safeguarding_concern',
}
/** Door overrides are incidents. */
const STORED_KINDS: Readonly<Record<IncidentKind, readonly string[]>> = {
  accident: ['accident'],
  incident: ['incident', 'door_override'],
  safeguarding_concern: ['safeguarding_concern'],
}

export interface IncidentInput {
  kind: IncidentKind
  familyId?: string | undefined
  occurredAt: string
  summary: string
}

export interface IncidentView {
  id: string
  kind: string
  familyId: string | null
  /** The family's reference, when the record is about a family. */
  familyReference: string | null
  occurredAt: string
  summary: string
  isMine: boolean
}

/**
 * Any worker records an accident, an incident or a safeguarding concern (EXCEPT: raising a
 * concern is every worker's duty). A concern is seen only by the roles the policy names and
 * whoever raised it; they are told by message that one is waiting, with nothing of it in
 * the message.
 */
export async function raiseIncident(
  ctx: AppContext,
  actor: Actor,
  input: IncidentInput,
): Promise<{ id: string }> {
  await requireAbility(ctx, actor, 'record_incidents')
  if (!isLocalDateTime(input.occurredAt))
    throw new HavenError('invalid_input', 'occurredAt is YYYY-MM-DDTHH:MM', 'occurredAt')
  if (input.summary.trim() === '')
    throw new HavenError('invalid_input', 'say what happened', 'summary')
  return inCentre(ctx, actor.centreId, async (trx) => {
    if (input.familyId !== undefined && !(await findFamily(trx, actor.centreId, input.familyId)))
      throw new HavenError('invalid_input', 'no such family', 'familyId')
    const id = ctx.newId()
    await insertIncident(trx, {
      id,
      centreId: actor.centreId,
      kind: input.kind,
      familyId: input.familyId,
      sessionId: undefined,
      occurredAt: input.occurredAt,
      summary: input.summary.trim(),
      raisedBy: actor.accountId,
      createdAt: ctx.now().toISOString(),
    })
    if (input.familyId !== undefined)
      await touchFamily(trx, actor.centreId, input.familyId, ctx.now().toISOString())
    await recordEvent(trx, {
      type: 'incident.recorded',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
      details: { kind: input.kind, familyId: input.familyId ?? null },
    })
    if (input.kind === 'safeguarding_concern') {
      const policy = await policyInForce(ctx, trx, actor.centreId)
      // Those who authorise an exception disclosure, and those the policy shows concerns to.
      await notifyRoles(ctx, trx, actor.centreId, [
        ...rolesFor('authorise_disclosures', policy.parameters),
        ...policy.parameters.exceptions.concernsVisibleTo,
      ])
    }
    return { id }
  })
}

/**
 * One kind of record as this actor may read it (NDX, EXCEPT): every entry for the roles the
 * policy names; a worker's own entries otherwise; nothing for anyone else. Audited.
 */
export async function listIncidents(
  ctx: AppContext,
  actor: Actor,
  kind: IncidentKind,
): Promise<IncidentView[]> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const resource = { type: RESOURCE[kind] }
    const all = decide(policy, { action: 'read', actor: policyActor(actor, 'none'), resource })
    const own = decide(policy, { action: 'read', actor: policyActor(actor, 'author'), resource })
    if (all.effect === 'deny' && own.effect === 'deny')
      throw new HavenError('forbidden', own.reasons.join('; '), undefined, own.clauses)
    const rows = await listStoredIncidents(trx, actor.centreId, {
      kinds: STORED_KINDS[kind],
      ...(all.effect === 'permit' ? {} : { raisedBy: actor.accountId }),
      limit: 500,
    })
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: RESOURCE[kind], count: rows.length },
    })
    const references = await familyReferences(
      trx,
      actor.centreId,
      rows.flatMap((row) => (row.familyId === undefined ? [] : [row.familyId])),
    )
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      familyId: row.familyId ?? null,
      familyReference: row.familyId === undefined ? null : (references.get(row.familyId) ?? null),
      occurredAt: row.occurredAt,
      summary: row.summary,
      isMine: row.raisedBy === actor.accountId,
    }))
  })
}

/**
 * Tells the people in these roles that something waits for them; the message holds nothing of
 * it, and neither its subject nor its first line names the centre or what kind of place it is
 * (anyone who sees the recipient's lock screen reads those).
 */
export async function notifyRoles(
  ctx: AppContext,
  trx: Db,
  centreId: string,
  roles: readonly Role[],
): Promise<void> {
  const holders = new Set(
    (await listRolesOfCentre(trx, centreId))
      .filter((r) => (roles as readonly string[]).includes(r.role))
      .map((r) => r.accountId),
  )
  const stopped = new Set(await listAccessStopsOfCentre(trx, centreId))
  for (const account of await listAccountsOfCentre(trx, centreId)) {
    if (!holders.has(account.id) || account.isDisabled || stopped.has(account.id)) continue
    await queueMessage(ctx, trx, {
      centreId,
      recipient: account.email,
      subject: 'Something is waiting for you in Haven',
      body: `Something in Haven needs your attention. Sign in to see it:\n${ctx.publicUrl}/sign-in\n`,
    })
  }
}
