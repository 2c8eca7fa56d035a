import { HavenError } from '../domain/errors.ts'
import { findAccount } from '../storage/accounts.ts'
import { findCentre } from '../storage/centres.ts'
import type { Actor } from './actor.ts'
import type { AppContext } from './context.ts'

/** The signed-in person's own name and e-mail, and the centre they act in. */
export async function findAccountSummary(
  ctx: AppContext,
  actor: Actor,
): Promise<{ displayName: string; email: string; centreSlug: string; centreName: string }> {
  const [account, centre] = await Promise.all([
    findAccount(ctx.db, actor.accountId),
    findCentre(ctx.db, actor.centreId),
  ])
  if (!account || !centre) throw new HavenError('unauthenticated', 'sign in first')
  return {
    displayName: account.displayName,
    email: account.email,
    centreSlug: centre.slug,
    centreName: centre.name,
  }
}
