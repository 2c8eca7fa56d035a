import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import {
  confirmDisclosure,
  declineDisclosure,
  listRegister,
  readRegisterEntry,
} from '../app/disclosure-register.ts'
import { requestDisclosure, type DisclosureInput } from '../app/disclosures.ts'
import { listFamilies, readFamily } from '../app/families.ts'
import { listAgencyChoices, listReferralSummaries } from '../app/referral-views.ts'
import { isIsoDate } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import { listIncidents } from '../app/incidents.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import {
  disclosureBody,
  disclosureFormBody,
  registerBody,
  RECIPIENT_WORDS,
  CATEGORY_WORDS,
  PURPOSE_WORDS,
  type DisclosureForm,
} from './disclosure-pages.ts'
import { disclosureInput } from '../app/contracts/outward.ts'
import { checkForm, type FormPlace } from './contract-form.ts'
import { html } from './html.ts'
import {
  formFields,
  pageCsrf,
  pageAbilities,
  requirePage,
  signedInPage,
  summaryList,
  tryForm,
  type FormError,
  signedInGet,
  shortDate,
} from './page-kit.ts'

const DONE: Readonly<Record<string, string>> = {
  asked: 'Request recorded and decided by the policy.',
  released: 'Released. The register records what left, when and by whom.',
  declined: 'Declined. The register records it.',
}

/** The disclosure register and its requests, decided by the policy, explained by clause. */
export function disclosureRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const familiesFor = async (actor: Actor) => {
    if ((await pageAbilities(ctx, actor)).has('record_disclosures'))
      return (await listFamilies(ctx, actor, { limit: 500, offset: 0 })).map((f) => ({
        id: f.id,
        reference: f.reference,
      }))
    const seen = new Map<string, string>()
    for (const r of await listReferralSummaries(ctx, actor, { limit: 500 }))
      seen.set(r.familyId, r.reference)
    return [...seen].map(([id, reference]) => ({ id, reference }))
  }

  /** The family's safeguarding concerns this reader may see, for an exception to answer. */
  const concernsOf = async (actor: Actor, familyId: string) => {
    try {
      return (await listIncidents(ctx, actor, 'safeguarding_concern'))
        .filter((concern) => concern.familyId === familyId)
        .map((concern) => ({
          id: concern.id,
          words: `${shortDate(concern.occurredAt)}: ${concern.summary}`,
        }))
    } catch (error) {
      if (error instanceof HavenError && error.code === 'forbidden') return []
      throw error
    }
  }

  const formPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: DisclosureForm,
    error?: FormError,
    status: 200 | 400 | 403 | 409 = 200,
  ) => {
    const abilities = await requirePage(ctx, actor, 'ask_disclosures')
    // A referrer asks for their own agency; those who record for the centre, for anyone.
    const isReferrer = !abilities.has('record_disclosures')
    const family =
      !isReferrer && form.familyId ? await readFamily(ctx, actor, form.familyId) : undefined
    return signedInPage(ctx, c, actor, {
      title: `${error ? 'Error: ' : ''}${isReferrer ? 'Ask for dates of attendance' : 'Record a request to disclose'}`,
      current: '/disclosures',
      status,
      body: disclosureFormBody({
        form,
        csrf: pageCsrf(c),
        isReferrer,
        families: await familiesFor(actor),
        family,
        agencies: isReferrer ? [] : await listAgencyChoices(ctx, actor),
        concerns: family ? await concernsOf(actor, family.id) : [],
        error,
      }),
    })
  }

  pages.get(
    '/disclosures',
    signedInGet(async (c, actor) => {
      const abilities = await requirePage(ctx, actor, 'follow_disclosures')
      const entries = await listRegister(ctx, actor, { limit: 500 })
      return signedInPage(ctx, c, actor, {
        title: 'Disclosures',
        current: '/disclosures',
        body: registerBody({
          entries,
          mayAsk: abilities.has('ask_disclosures'),
          isReferrer: !abilities.has('read_register'),
        }),
      })
    }),
  )

  pages.get(
    '/disclosures/new',
    signedInGet(async (c, actor) => {
      return formPage(c, actor, {
        familyId: c.req.query('familyId') ?? '',
        concernId: c.req.query('concernId') ?? '',
        ...(c.req.query('concernId') ? { purpose: 'safeguarding_child' } : {}),
      })
    }),
  )

  pages.post('/disclosures', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = fields.record()
    const isReferrer = !(await pageAbilities(ctx, actor)).has('record_disclosures')
    const parsed = parseDisclosureForm(form, isReferrer)
    if (!parsed.ok) return formPage(c, actor, form, parsed.error, 400)
    const done = await tryForm(() => requestDisclosure(ctx, actor, parsed.input))
    if (!done.ok) return formPage(c, actor, form, done.error, done.status)
    return c.redirect(`/disclosures/${done.value.id}?done=asked`, 303)
  })

  const entryPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    id: string,
    extra: {
      done?: string | undefined
      error?: FormError
      status?: 200 | 400 | 403 | 409
      released?: ReturnType<typeof html>
    } = {},
  ) => {
    const entry = await readRegisterEntry(ctx, actor, id)
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Disclosure for ${entry.familyReference}`,
      current: '/disclosures',
      status: extra.status ?? 200,
      body: disclosureBody({
        entry,
        csrf: pageCsrf(c),
        // Releasing is an export; a sign-off is by a second person, never the one who asked.
        mayConfirm:
          (await pageAbilities(ctx, actor)).has('export') &&
          !(entry.status === 'awaiting_sign_off' && entry.requestedBy === actor.accountId),
        done: extra.done,
        error: extra.error,
        released: extra.released,
      }),
    })
  }

  pages.get(
    '/disclosures/:disclosureId',
    signedInGet(async (c, actor) => {
      return entryPage(c, actor, c.req.param('disclosureId') ?? '', {
        done: DONE[c.req.query('done') ?? ''],
      })
    }),
  )

  pages.post('/disclosures/:disclosureId/confirm', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const id = c.req.param('disclosureId')
    const told = fields.get('personTold')
    const done = await tryForm(() =>
      confirmDisclosure(ctx, actor, id, {
        version: Number(fields.get('version')),
        ...(told === 'yes' || told === 'no' ? { personTold: told === 'yes' } : {}),
        ...(fields.get('notToldReason').trim()
          ? { notToldReason: fields.get('notToldReason') }
          : {}),
        ...(fields.get('consentId').trim() ? { consentId: fields.get('consentId').trim() } : {}),
      }),
    )
    if (!done.ok) return entryPage(c, actor, id, { error: done.error, status: done.status })
    const outcome = done.value
    if (outcome.status === 'released' && outcome.contactDetails) {
      // Shown on this response only (never cached, never shown again): the register keeps what left.
      const d = outcome.contactDetails
      return entryPage(c, actor, id, {
        done: DONE.released,
        released: html`<h2 class="govuk-heading-m">Released now</h2>
          <p class="govuk-body">Shown this once, to pass on as the consent allows.</p>
          ${summaryList([
            ...(d.address ? [['Address', d.address] as const] : []),
            ...(d.phone ? [['Phone', d.phone] as const] : []),
            ...(d.email ? [['Email', d.email] as const] : []),
          ])}`,
      })
    }
    return c.redirect(`/disclosures/${id}?done=${outcome.status}`, 303)
  })

  pages.post('/disclosures/:disclosureId/decline', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const id = c.req.param('disclosureId')
    const done = await tryForm(() =>
      declineDisclosure(ctx, actor, id, Number(fields.get('version'))),
    )
    if (!done.ok) return entryPage(c, actor, id, { error: done.error, status: done.status })
    return c.redirect(`/disclosures/${id}?done=declined`, 303)
  })
  return pages
}

/**
 * The form as the use case's input, read with its contract (decision 0026): the page asks
 * only what a form must (a choice not made, both dates or neither); every limit is the
 * contract's, as it is for the API.
 */
export function parseDisclosureForm(
  f: DisclosureForm,
  isReferrer: boolean,
): { ok: true; input: DisclosureInput } | { ok: false; error: FormError } {
  const fail = (field: string, message: string) => ({
    ok: false as const,
    error: { field, message },
  })
  const get = (name: string) => (f[name] ?? '').trim()
  if (get('familyId') === '') return fail('familyId', 'choose the family')
  const category = isReferrer ? 'attendance' : get('category')
  if (!(category in CATEGORY_WORDS)) return fail('category', 'choose what is asked for')
  const purpose = get('purpose')
  if (!(purpose in PURPOSE_WORDS)) return fail('purpose', 'choose what it is for')
  const from = get('from')
  const to = get('to')
  if ((from === '') !== (to === ''))
    return fail(from === '' ? 'from' : 'to', 'give both dates of the period, or neither')
  if (isIsoDate(from) && isIsoDate(to) && to < from)
    return fail('to', 'the period ends on or after it starts')
  const period = from === '' ? {} : { period: { from, to } }
  if (isReferrer)
    return checkForm(
      disclosureInput,
      { familyId: get('familyId'), category: 'attendance', purpose, ...period },
      disclosurePlace,
    )
  const agencyId = get('agencyId')
  const recipientKind = get('recipientKind')
  if (agencyId === '' && !(recipientKind in RECIPIENT_WORDS))
    return fail('agencyId', 'choose the agency asking, or say who is asking')
  if (agencyId === '' && get('recipientName') === '')
    return fail('recipientName', 'give the name of whoever is asking')
  if (category === 'contact_details' && get('personId') === '')
    return fail('personId', 'choose whose contact details')
  const optional = (name: string) => (get(name) ? { [name]: get(name) } : {})
  return checkForm(
    disclosureInput,
    {
      familyId: get('familyId'),
      category,
      purpose,
      ...optional('personId'),
      ...(agencyId
        ? { agencyId }
        : { recipient: { kind: recipientKind, name: get('recipientName') } }),
      ...optional('atRisk'),
      ...optional('concernId'),
      ...optional('reason'),
      ...optional('legalBasis'),
      ...period,
    },
    disclosurePlace,
  )
}

const DISCLOSURE_FIELDS: Readonly<Record<string, readonly [field: string, label: string]>> = {
  familyId: ['familyId', 'The family'],
  category: ['category', 'What is asked for'],
  purpose: ['purpose', 'What it is for'],
  personId: ['personId', 'Whose contact details'],
  agencyId: ['agencyId', 'The agency'],
  atRisk: ['atRisk', 'Who is at risk'],
  concernId: ['concernId', 'The concern'],
  reason: ['reason', 'The reason'],
  legalBasis: ['legalBasis', 'The legal basis'],
}

/** Where a path of the disclosure's input sits on the form, and what the form calls it. */
function disclosurePlace(path: readonly PropertyKey[]): FormPlace | undefined {
  const [first, second] = path.map(String)
  if (first === 'recipient')
    return second === 'kind'
      ? { field: 'recipientKind', label: 'Who is asking' }
      : { field: 'recipientName', label: 'Their name' }
  if (first === 'period')
    return second === 'to' ? { field: 'to', label: 'To' } : { field: 'from', label: 'From' }
  const place = first === undefined ? undefined : DISCLOSURE_FIELDS[first]
  return place && { field: place[0], label: place[1] }
}
