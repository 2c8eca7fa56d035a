import { parseCentreName, parseCentreSlug, slugFromName } from '../domain/centre.ts'
import { HavenError } from '../domain/errors.ts'
import {
  findCentreBySlug,
  insertCentre,
  listCentres,
  lockCentreCreation,
  type Centre,
} from '../storage/centres.ts'
import type { AppContext } from './context.ts'

export type { Centre }

/**
 * Creates a centre (a tenant). Name and slug are validated; a slug already in use is a
 * conflict and nothing is written. Accounts and the first coordinator's invitation follow
 * in the accounts issue.
 */
export async function createCentre(
  ctx: AppContext,
  input: { name: string; slug?: string | undefined },
): Promise<Centre> {
  const name = parseCentreName(input.name)
  const slug = parseCentreSlug(input.slug ?? slugFromName(name))
  return ctx.db.transaction().execute(async (trx) => {
    await lockCentreCreation(trx)
    if (await findCentreBySlug(trx, slug)) {
      throw new HavenError('conflict', `a centre with the slug "${slug}" already exists`, 'slug')
    }
    const centre: Centre = {
      id: ctx.newId(),
      slug,
      name,
      isDemo: false,
      createdAt: ctx.now().toISOString(),
    }
    await insertCentre(trx, centre)
    return centre
  })
}

export async function listAllCentres(ctx: AppContext): Promise<Centre[]> {
  return listCentres(ctx.db)
}
