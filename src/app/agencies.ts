import { HavenError } from '../domain/errors.ts'
import { AGENCY_KINDS } from '../domain/roles.ts'
import type { Db } from '../storage/database.ts'
import {
  countReferralsByAgency,
  findOrCreateAgency,
  listAgencies,
  updateAgency,
} from '../storage/referrals.ts'
import type { Actor } from './actor.ts'
import { recordActorEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { inCentre, readInCentre } from './in-centre.ts'
import { requireAbility } from './policy-access.ts'

export interface AgencySummary {
  id: string
  name: string
  kind: string
  /** How many referrals it made to the centre. */
  referrals: number
}

/**
 * The centre's referring agencies with how many referrals each made, for those who record
 * referrals on an agency's behalf (record_referrals). Names of organisations and counts, not
 * of people: read without the centre's lock and without an audit entry.
 */
export async function listCentreAgencies(ctx: AppContext, actor: Actor): Promise<AgencySummary[]> {
  await requireAbility(ctx, actor, 'record_referrals')
  return readInCentre(ctx, actor.centreId, async (db) => {
    const counts = await countReferralsByAgency(db, actor.centreId)
    return (await listAgencies(db, actor.centreId)).map((a) => ({
      id: a.id,
      name: a.name,
      kind: a.kind,
      referrals: counts.get(a.id) ?? 0,
    }))
  })
}

/**
 * Adds a referring agency that has no account in Haven (a solicitor who refers on paper), so
 * that a referral recorded for it can name it. One name is one agency at the centre, whatever
 * its kind: a name already held is refused. The audit entry names its kind, not its name.
 */
export async function addAgency(
  ctx: AppContext,
  actor: Actor,
  input: { name: string; kind: string },
): Promise<{ id: string; name: string; kind: string }> {
  await requireAbility(ctx, actor, 'record_referrals')
  const name = checkedName(input.name)
  const kind = checkedKind(input.kind)
  return inCentre(ctx, actor.centreId, async (trx) => {
    await refuseNameHeld(trx, actor.centreId, name, undefined)
    const agency = await findOrCreateAgency(trx, {
      id: ctx.newId(),
      centreId: actor.centreId,
      kind,
      name,
      createdAt: ctx.now().toISOString(),
    })
    await recordActorEvent(ctx, trx, actor, 'agency.added', agency.id, { kind })
    return { id: agency.id, name: agency.name, kind: agency.kind }
  })
}

/**
 * Renames an agency or changes its kind. Agencies carry no version: the name and kind the
 * form was drawn with stand for one, so a change made meanwhile is a conflict and the newer
 * one stays. Its referrals keep it. The audit entry names which fields changed, never a name.
 */
export async function changeAgency(
  ctx: AppContext,
  actor: Actor,
  agencyId: string,
  input: { name: string; kind: string; heldName: string; heldKind: string },
): Promise<{ id: string; name: string; kind: string }> {
  await requireAbility(ctx, actor, 'record_referrals')
  const name = checkedName(input.name)
  const kind = checkedKind(input.kind)
  return inCentre(ctx, actor.centreId, async (trx) => {
    const held = (await listAgencies(trx, actor.centreId)).find((a) => a.id === agencyId)
    if (!held) throw new HavenError('not_found', 'no such agency')
    const stale = () =>
      new HavenError('conflict', 'someone else changed this agency; reload it', 'name')
    if (held.name !== input.heldName || held.kind !== input.heldKind) throw stale()
    await refuseNameHeld(trx, actor.centreId, name, agencyId)
    const isChanged = await updateAgency(
      trx,
      { centreId: actor.centreId, id: agencyId, heldName: held.name, heldKind: held.kind },
      { name, kind },
    )
    if (!isChanged) throw stale()
    await recordActorEvent(ctx, trx, actor, 'agency.changed', agencyId, {
      fields: [...(name !== held.name ? ['name'] : []), ...(kind !== held.kind ? ['kind'] : [])],
    })
    return { id: agencyId, name, kind }
  })
}

function checkedName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ')
  if (trimmed === '') throw new HavenError('invalid_input', 'an agency needs a name', 'name')
  return trimmed
}

function checkedKind(kind: string): string {
  if (!(AGENCY_KINDS as readonly string[]).includes(kind))
    throw new HavenError('invalid_input', 'choose the kind of agency', 'kind')
  return kind
}

/** One name is one agency at the centre: the same words in any case, of any kind. */
async function refuseNameHeld(
  trx: Db,
  centreId: string,
  name: string,
  exceptId: string | undefined,
): Promise<void> {
  const folded = name.toLowerCase()
  if (
    (await listAgencies(trx, centreId)).some(
      (a) => a.id !== exceptId && a.name.toLowerCase().replace(/\s+/g, ' ') === folded,
    )
  )
    throw new HavenError('conflict', 'the centre already has an agency of that name', 'name')
}
