import { Hono } from 'hono'
import type { Context } from 'hono'
import { revealContactDetails } from '../app/contact-details.ts'
import type { AppContext } from '../app/context.ts'
import { listFamilies, readFamily, readFamilyByReference } from '../app/families.ts'
import { isHavenError } from '../domain/errors.ts'
import { queryParts } from '../domain/search-terms.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import type { Actor } from '../app/actor.ts'
import { revealInput } from '../app/contracts/cases.ts'
import { checkForm } from './contract-form.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { familyBody, familyListBody } from './family-pages.ts'
import { formField, readForm } from './forms.ts'
import type { Html } from './html.ts'
import { signedInPage, signedInGet, pageNumberOf } from './page-kit.ts'

const PAGE_SIZE = 100

/** Families as the policy lets each reader see them; contact details revealed with a reason. */
export function familyRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  const page = (
    c: Context<HavenEnv>,
    actor: Actor,
    title: string,
    body: Html,
    status: 200 | 400 | 403 = 200,
  ) => signedInPage(ctx, c, actor, { title, current: '/families', body, status })

  pages.get(
    '/families',
    signedInGet(async (c, actor) => {
      const reference = c.req.query('reference')
      if (reference !== undefined) {
        const family = await readFamilyByReference(ctx, actor, reference)
        return page(
          c,
          actor,
          `Family ${family.reference}`,
          familyBody({
            family,
            csrf: csrfTokenFor(c.get('sessionToken') ?? ''),
            actions: family.actions,
          }),
        )
      }
      const pageNumber = pageNumberOf(c.req.query('page'))
      const found = await listFamilies(ctx, actor, {
        limit: PAGE_SIZE + 1,
        offset: (pageNumber - 1) * PAGE_SIZE,
      })
      return page(
        c,
        actor,
        'Families',
        familyListBody(
          found.slice(0, PAGE_SIZE),
          { number: pageNumber, hasNext: found.length > PAGE_SIZE },
          { csrf: csrfTokenFor(c.get('sessionToken') ?? '') },
        ),
      )
    }),
  )

  // Finding a family: by its reference straight to the record; otherwise by names, a
  // postcode or a phone number through the blind index, as the policy lets this reader see.
  pages.post('/families/search', async (c) => {
    const form = await readForm(c)
    const actor = requireActor(c, formField(form._csrf))
    const query = formField(form.q).trim()
    const csrf = csrfTokenFor(c.get('sessionToken') ?? '')
    const refused = (message: string) =>
      page(
        c,
        actor,
        'Error: Families',
        familyListBody([], undefined, { csrf, query, error: { field: 'q', message } }),
        400,
      )
    if (query === '') return refused('enter a reference, a name, a postcode or a phone number')
    if (query.length > 200) return refused('a search is 200 characters or fewer')
    if (/^F-?\d{1,9}$/i.test(query)) {
      const reference = `F-${query.replace(/^F-?/i, '').padStart(4, '0')}`
      try {
        const family = await readFamilyByReference(ctx, actor, reference)
        return c.redirect(`/families/${family.id}`, 303)
      } catch (error) {
        if (!isHavenError(error) || error.code !== 'not_found') throw error
        return page(c, actor, 'Families found', familyListBody([], undefined, { csrf, query }))
      }
    }
    if (queryParts(query).length === 0)
      return refused('enter at least two letters of a name, a postcode or a phone number')
    const found = await listFamilies(ctx, actor, { limit: PAGE_SIZE + 1, offset: 0 }, query)
    return page(
      c,
      actor,
      'Families found',
      familyListBody(found.slice(0, PAGE_SIZE), undefined, {
        csrf,
        query,
        isCapped: found.length > PAGE_SIZE,
      }),
    )
  })
  pages.get(
    '/families/:familyId',
    signedInGet(async (c, actor) => {
      const family = await readFamily(ctx, actor, c.req.param('familyId') ?? '')
      return page(
        c,
        actor,
        `Family ${family.reference}`,
        familyBody({
          family,
          csrf: csrfTokenFor(c.get('sessionToken') ?? ''),
          actions: family.actions,
        }),
      )
    }),
  )
  pages.post('/families/:familyId/people/:personId/reveal', async (c) => {
    const form = await readForm(c)
    const actor = requireActor(c, formField(form._csrf))
    const familyId = c.req.param('familyId')
    const personId = c.req.param('personId')
    const reason = formField(form.reason).trim()
    const family = await readFamily(ctx, actor, familyId)
    const csrf = csrfTokenFor(c.get('sessionToken') ?? '')
    if (reason === '')
      return page(
        c,
        actor,
        `Family ${family.reference}`,
        familyBody({
          family,
          csrf,
          actions: family.actions,
          error: { personId, message: 'Say why you need them' },
        }),
        400,
      )
    // The use case's own contract decides every limit, as it does for the API (decision 0026).
    const read = checkForm(revealInput, { reason }, () => ({
      field: 'reason',
      label: 'The reason',
    }))
    if (!read.ok)
      return page(
        c,
        actor,
        `Family ${family.reference}`,
        familyBody({
          family,
          csrf,
          actions: family.actions,
          error: { personId, message: read.error.message },
        }),
        400,
      )
    const outcome = await revealContactDetails(ctx, actor, personId, read.input.reason)
    if (outcome.effect === 'deny')
      return page(
        c,
        actor,
        `Family ${family.reference}`,
        familyBody({
          family,
          csrf,
          actions: family.actions,
          error: { personId, message: outcome.reasons.join('; ') },
        }),
        403,
      )
    return page(
      c,
      actor,
      `Family ${family.reference}`,
      familyBody({
        family,
        csrf,
        actions: family.actions,
        revealed: { personId, details: outcome.contactDetails },
      }),
    )
  })
  return pages
}
