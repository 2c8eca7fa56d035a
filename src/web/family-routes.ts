import { Hono } from 'hono'
import type { Context } from 'hono'
import { revealContactDetails } from '../app/contact-details.ts'
import type { AppContext } from '../app/context.ts'
import { listFamilies, readFamily, readFamilyByReference } from '../app/families.ts'
import { HavenError, isHavenError } from '../domain/errors.ts'
import { queryParts } from '../domain/search-terms.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import type { Actor } from '../app/actor.ts'
import { personInput, revealInput } from '../app/contracts/cases.ts'
import { correctPerson } from '../app/people.ts'
import { checkForm } from './contract-form.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { familyBody, familyListBody, personFormBody } from './family-pages.ts'
import { formField, readForm } from './forms.ts'
import type { Html } from './html.ts'
import {
  formFields,
  pageNumberOf,
  readPage,
  signedInGet,
  signedInPage,
  tryForm,
  type FormError,
  type PageFrame,
} from './page-kit.ts'

const PAGE_SIZE = 100

const DONE: Readonly<Record<string, string>> = {
  corrected: 'The changes are saved.',
  child: 'The child is added.',
  safety: 'Safety and keeping apart saved.',
}

/** Families as the policy lets each reader see them; contact details revealed with a reason. */
export function familyRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  const page = (
    c: Context<HavenEnv>,
    actor: Actor,
    title: string,
    body: Html,
    status: 200 | 400 | 403 | 409 = 200,
    frame?: PageFrame,
  ) => signedInPage(ctx, c, actor, { title, current: '/families', body, status, frame })

  pages.get(
    '/families',
    signedInGet(async (c, actor) => {
      const reference = c.req.query('reference')
      if (reference !== undefined) {
        const [family, frame] = await readPage(ctx, actor, (p) =>
          readFamilyByReference(p, actor, reference),
        )
        return page(
          c,
          actor,
          `Family ${family.reference}`,
          familyBody({
            family,
            csrf: csrfTokenFor(c.get('sessionToken') ?? ''),
            actions: family.actions,
          }),
          200,
          frame,
        )
      }
      const pageNumber = pageNumberOf(c.req.query('page'))
      const [found, frame] = await readPage(ctx, actor, (p) =>
        listFamilies(p, actor, { limit: PAGE_SIZE + 1, offset: (pageNumber - 1) * PAGE_SIZE }),
      )
      return page(
        c,
        actor,
        'Families',
        familyListBody(
          found.slice(0, PAGE_SIZE),
          { number: pageNumber, hasNext: found.length > PAGE_SIZE },
          { csrf: csrfTokenFor(c.get('sessionToken') ?? '') },
        ),
        200,
        frame,
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
      const [family, frame] = await readPage(ctx, actor, (p) =>
        readFamily(p, actor, c.req.param('familyId') ?? ''),
      )
      return page(
        c,
        actor,
        `Family ${family.reference}`,
        familyBody({
          family,
          csrf: csrfTokenFor(c.get('sessionToken') ?? ''),
          actions: family.actions,
          done: DONE[c.req.query('done') ?? ''],
        }),
        200,
        frame,
      )
    }),
  )
  // Correcting a person (DPA): the form, and the correction through the API's own contract.
  const personPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string> | undefined,
    error?: FormError,
    status: 200 | 400 | 403 | 409 = 200,
  ) => {
    const family = await readFamily(ctx, actor, c.req.param('familyId') ?? '')
    const person = family.people.find((p) => p.id === c.req.param('personId'))
    if (!person || person.version === undefined) throw new HavenError('not_found', 'no such person')
    if (!family.actions.correctPeople)
      throw new HavenError('forbidden', 'records are corrected only by those the policy names')
    const held = {
      version: String(person.version),
      givenName: person.givenName ?? '',
      familyName: person.familyName ?? '',
      relationship: person.relationship ?? '',
      hasParentalResponsibility: person.hasParentalResponsibility === true ? 'yes' : 'no',
      mayAttend: person.mayAttend === false ? 'no' : 'yes',
      ...(person.kind === 'child' ? { dateOfBirth: person.dateOfBirth ?? '' } : {}),
    }
    return page(
      c,
      actor,
      `${error ? 'Error: ' : ''}Change a person's details`,
      personFormBody({
        family,
        person,
        form: form ?? held,
        csrf: csrfTokenFor(c.get('sessionToken') ?? ''),
        error,
      }),
      status,
    )
  }
  pages.get(
    '/families/:familyId/people/:personId/edit',
    signedInGet(async (c, actor) => personPage(c, actor, undefined)),
  )
  pages.post('/families/:familyId/people/:personId/edit', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = { ...fields.record(), remove: fields.all('remove').join(',') }
    const removed = new Set(fields.all('remove'))
    const contact = (field: 'address' | 'phone' | 'email') =>
      removed.has(field)
        ? ''
        : fields.get(field).trim() === ''
          ? undefined
          : fields.get(field).trim()
    const changed = {
      address: contact('address'),
      phone: contact('phone'),
      email: contact('email'),
    }
    // A child's form has the date of birth (and no contact details); no one else's has.
    const dateOfBirth = 'dateOfBirth' in form ? fields.get('dateOfBirth').trim() : undefined
    if (dateOfBirth === '')
      return personPage(
        c,
        actor,
        form,
        { field: 'dateOfBirth', message: 'enter the date of birth' },
        400,
      )
    const checked = checkForm(
      personInput,
      {
        givenName: fields.get('givenName').trim(),
        familyName: fields.get('familyName').trim(),
        ...(fields.get('relationship').trim() === ''
          ? {}
          : { relationship: fields.get('relationship').trim() }),
        hasParentalResponsibility: fields.get('hasParentalResponsibility') === 'yes',
        mayAttend: fields.get('mayAttend') !== 'no',
        ...(dateOfBirth === undefined ? {} : { dateOfBirth }),
        ...(Object.values(changed).some((v) => v !== undefined)
          ? {
              contactDetails: Object.fromEntries(
                Object.entries(changed).filter(([, v]) => v !== undefined),
              ),
            }
          : {}),
        version: Number(fields.get('version')),
      },
      (path) => {
        const [first, second] = path.map(String)
        const at = first === 'contactDetails' ? second : first
        const words: Record<string, string> = {
          givenName: 'The first name',
          familyName: 'The last name',
          relationship: 'The relationship',
          dateOfBirth: 'The date of birth',
          address: 'The address',
          phone: 'The phone number',
          email: 'The email address',
        }
        return at && words[at] ? { field: at, label: words[at] } : undefined
      },
    )
    if (!checked.ok) return personPage(c, actor, form, checked.error, 400)
    const personId = c.req.param('personId')
    const done = await tryForm(() => correctPerson(ctx, actor, personId, checked.input))
    if (!done.ok) return personPage(c, actor, form, done.error, done.status)
    return c.redirect(`/families/${c.req.param('familyId')}?done=corrected`, 303)
  })

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
