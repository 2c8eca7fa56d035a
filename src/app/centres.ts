import { isCentreSlug, parseCentreName, parseCentreSlug, slugFromName } from '../domain/centre.ts'
import { HavenError } from '../domain/errors.ts'
import { endCentreSessions } from '../storage/auth-sessions.ts'
import {
  findCentreBySlug,
  insertCentre,
  listCentres,
  lockCentreCreation,
  setCentreClosedAt,
  type Centre,
} from '../storage/centres.ts'
import { HOST_ID, OPERATOR_ID } from './actor.ts'
import { recordEvent } from './audit.ts'
import { adoptPreset, parsePresetName } from './centre-policy.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'
import { issueInvitation, parseEmail, type IssuedInvitation } from './invitations.ts'

export type { Centre }

/**
 * Creates a centre (a tenant) and a one-time invitation for its first coordinator. There are
 * no default accounts: the coordinator sets their own password from the link, and invites
 * everyone else. Name, slug and e-mail are validated first; a slug in use is a conflict, and
 * nothing is written.
 */
export async function createCentre(
  ctx: AppContext,
  input: {
    name: string
    slug?: string | undefined
    coordinatorEmail: string
    preset?: string | undefined
  },
  options: { asHost?: boolean } = {},
): Promise<{ centre: Centre; invitation: IssuedInvitation }> {
  const name = parseCentreName(input.name)
  const slug = parseCentreSlug(input.slug ?? slugFromName(name))
  const email = parseEmail(input.coordinatorEmail, 'coordinatorEmail')
  const presetName = parsePresetName(input.preset)
  return ctx.db.transaction().execute(async (trx) => {
    await lockCentreCreation(trx)
    if (await findCentreBySlug(trx, slug)) {
      throw new HavenError('conflict', `a centre with the slug "${slug}" already exists`, 'slug')
    }
    const now = ctx.now()
    const centre: Centre = {
      id: ctx.newId(),
      slug,
      name,
      isDemo: false,
      isPubliclyListed: false,
      createdAt: now.toISOString(),
    }
    await insertCentre(trx, centre)
    await recordEvent(trx, {
      type: 'centre.created',
      at: now,
      centreId: centre.id,
      subjectId: centre.id,
      details: { preset: presetName },
    })
    await adoptPreset(ctx, trx, centre, presetName, undefined)
    // A host's first invitation is finished from the coordinator's address (decision 0047).
    const inviter = options.asHost === true ? HOST_ID : undefined
    const invitation = await issueInvitation(ctx, trx, centre, inviter, {
      email,
      roles: ['coordinator'],
    })
    return { centre, invitation }
  })
}

export async function listAllCentres(ctx: AppContext): Promise<Centre[]> {
  return listCentres(ctx.db)
}

export async function findCentreBySlugOrThrow(ctx: AppContext, slug: string): Promise<Centre> {
  if (!isCentreSlug(slug)) throw new HavenError('not_found', 'no centre has that slug', 'centre')
  const centre = await findCentreBySlug(ctx.db, slug)
  if (!centre) throw new HavenError('not_found', `no centre has the slug "${slug}"`, 'centre')
  return centre
}

/** A centre found by slug that is open: a closed centre answers as no centre at all. */
export async function findOpenCentreBySlugOrThrow(ctx: AppContext, slug: string): Promise<Centre> {
  const centre = await findCentreBySlugOrThrow(ctx, slug)
  if (centre.closedAt !== undefined)
    throw new HavenError('not_found', `no centre has the slug "${slug}"`, 'centre')
  return centre
}

/**
 * Closes a centre on this installation, as the operator at the machine (docs/decisions/0047).
 * Nothing of the centre is read or destroyed: its records stay, for its export or until it
 * is reopened or erased. From the commit on, every session of the centre has ended, nobody
 * can sign in to it or accept an invitation to it, its public pages answer as no centre,
 * and it is off the front page. Returns the number of sessions ended; a centre already
 * closed is a conflict, and nothing is written.
 */
export async function closeCentre(
  ctx: AppContext,
  centre: Centre,
): Promise<{ sessionsEnded: number }> {
  const now = ctx.now()
  return inCentre(ctx, centre.id, async (trx) => {
    if (!(await setCentreClosedAt(trx, centre.id, now.toISOString())))
      throw new HavenError('conflict', `the centre "${centre.slug}" is already closed`, 'centre')
    const sessionsEnded = await endCentreSessions(
      trx,
      centre.id,
      now.toISOString(),
      'centre_closed',
    )
    await recordEvent(trx, {
      type: 'centre.closed',
      at: now,
      centreId: centre.id,
      actorId: OPERATOR_ID,
      subjectId: centre.id,
      details: { sessionsEnded },
    })
    return { sessionsEnded }
  })
}

/** Opens a closed centre again: its people may sign in as before (docs/decisions/0047). */
export async function reopenCentre(ctx: AppContext, centre: Centre): Promise<void> {
  const now = ctx.now()
  await inCentre(ctx, centre.id, async (trx) => {
    if (!(await setCentreClosedAt(trx, centre.id, undefined)))
      throw new HavenError('conflict', `the centre "${centre.slug}" is not closed`, 'centre')
    await recordEvent(trx, {
      type: 'centre.reopened',
      at: now,
      centreId: centre.id,
      actorId: OPERATOR_ID,
      subjectId: centre.id,
      details: {},
    })
  })
}
