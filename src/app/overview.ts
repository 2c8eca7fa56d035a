import { HavenError } from '../domain/errors.ts'
import {
  findCentre,
  isCentrePubliclyListed,
  listCentres,
  listPubliclyListedCentres,
  setCentrePubliclyListed,
} from '../storage/centres.ts'
import { countFamilies } from '../storage/families.ts'
import { countContactSessions } from '../storage/sessions.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { requireAbility } from './policy-access.ts'

/** A centre as the public front page may name it: its name and where its policy is. */
export interface PublicCentre {
  name: string
  slug: string
  isDemo: boolean
}

/**
 * What the front page may show before anyone signs in: the centres that chose to be listed,
 * by name, and nothing else (no counts, nothing about the installation). Every other centre
 * is reached only by its own address.
 */
export async function listPublicCentres(ctx: AppContext): Promise<PublicCentre[]> {
  return listPubliclyListedCentres(ctx.db)
}

/** Whether the actor's centre is named on the front page (the coordinator's setting). */
export async function centreListing(
  ctx: AppContext,
  actor: Actor,
): Promise<{ listed: boolean; slug: string }> {
  await assertCoordinator(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const centre = await findCentre(trx, actor.centreId)
    if (!centre) throw new HavenError('not_found', 'no such centre')
    return { listed: centre.isPubliclyListed, slug: centre.slug }
  })
}

/**
 * The coordinator names the centre on the public front page, or takes it off: audited with
 * the setting before and after.
 */
export async function setCentreListing(
  ctx: AppContext,
  actor: Actor,
  listed: boolean,
): Promise<{ listed: boolean }> {
  await assertCoordinator(ctx, actor)
  const now = ctx.now()
  return inCentre(ctx, actor.centreId, async (trx) => {
    const before = await isCentrePubliclyListed(trx, actor.centreId)
    await setCentrePubliclyListed(trx, actor.centreId, listed)
    await recordEvent(trx, {
      type: 'centre.listing_changed',
      at: now,
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: actor.centreId,
      details: { before, after: listed },
    })
    return { listed }
  })
}

async function assertCoordinator(ctx: AppContext, actor: Actor): Promise<void> {
  await requireAbility(ctx, actor, 'set_listing')
}

/** A centre as the operator sees it from the `haven` command: with the size of its records. */
export interface OperatorCentreOverview {
  id: string
  slug: string
  name: string
  isDemo: boolean
  isPubliclyListed: boolean
  createdAt: string
  /** When it was closed on this installation; unset while open (decision 0047). */
  closedAt?: string | undefined
  families: number
  sessions: number
}

/** Every centre with its counts, for the operator at the machine (never on a page). */
export async function listCentresForOperator(ctx: AppContext): Promise<OperatorCentreOverview[]> {
  const centres = await listCentres(ctx.db)
  return Promise.all(
    centres.map(async (centre) => ({
      ...centre,
      families: await countFamilies(ctx.db, centre.id),
      sessions: await countContactSessions(ctx.db, centre.id),
    })),
  )
}
