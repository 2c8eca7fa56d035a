import { listCentres } from '../storage/centres.ts'
import { countFamilies } from '../storage/families.ts'
import { countContactSessions } from '../storage/sessions.ts'
import type { AppContext } from './context.ts'

export interface CentreOverview {
  name: string
  slug: string
  isDemo: boolean
  families: number
  sessions: number
}

/**
 * What the front page may show before anyone signs in: each centre's name and the size of
 * its records, no personal data. (Sign-in and the role pages come with the accounts issue.)
 */
export async function listCentreOverviews(ctx: AppContext): Promise<CentreOverview[]> {
  const centres = await listCentres(ctx.db)
  return Promise.all(
    centres.map(async (centre) => ({
      name: centre.name,
      slug: centre.slug,
      isDemo: centre.isDemo,
      families: await countFamilies(ctx.db, centre.id),
      sessions: await countContactSessions(ctx.db, centre.id),
    })),
  )
}
