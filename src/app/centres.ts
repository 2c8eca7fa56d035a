import { isCentreSlug, parseCentreName, parseCentreSlug, slugFromName } from '../domain/centre.ts'
import { HavenError } from '../domain/errors.ts'
import {
  findCentreBySlug,
  insertCentre,
  listCentres,
  lockCentreCreation,
  type Centre,
} from '../storage/centres.ts'
import { recordEvent } from './audit.ts'
import { adoptPreset, parsePresetName } from './centre-policy.ts'
import type { AppContext } from './context.ts'
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
    const invitation = await issueInvitation(ctx, trx, centre, undefined, {
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
