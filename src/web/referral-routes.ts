import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { listAgencyChoices, listReferralSummaries, readReferral } from '../app/referral-views.ts'
import { changeArrangements, moveReferral, receiveReferral } from '../app/referrals.ts'
import { arrangementsInput } from '../app/contracts/cases.ts'
import { checkForm } from './contract-form.ts'
import { likelyDuplicates, peopleOfReferral } from '../app/family-search.ts'
import { isReferralStatus } from '../domain/cases/referral-lifecycle.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import {
  formFields,
  pageCsrf,
  pageAbilities,
  requirePage,
  signedInPage,
  tryForm,
  signedInGet,
  refusedField,
  pageNumberOf,
  readPage,
  type FormError,
} from './page-kit.ts'
import {
  arrangementsBody,
  parseReferralForm,
  referralFieldOf,
  referralBody,
  referralFormBody,
  referralListBody,
} from './referral-pages.ts'

const PAGE_SIZE = 50
const DONE: Readonly<Record<string, string>> = {
  received: 'Referral sent. The centre will be in touch with the family.',
  moved: 'The referral has moved on.',
  arranged: 'The arrangements are saved.',
}

/**
 * Referrals: the coordinator's inbox and each referral's lifecycle; a referrer makes one and
 * follows it (ATTEND: dates and times only); a parent follows their own.
 */
export function referralRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  pages.get(
    '/referrals',
    signedInGet(async (c, actor) => {
      const asked = c.req.query('status')
      const status = asked !== undefined && isReferralStatus(asked) ? asked : undefined
      const pageNumber = pageNumberOf(c.req.query('page'))
      const [{ abilities, found }, frame] = await readPage(ctx, actor, async (p) => {
        const abilities = await requirePage(p, actor, 'follow_referrals')
        // One more than a page, to know whether there is a next one.
        const found = await listReferralSummaries(p, actor, {
          status,
          limit: PAGE_SIZE + 1,
          offset: (pageNumber - 1) * PAGE_SIZE,
        })
        return { abilities, found }
      })
      const referrals = found.slice(0, PAGE_SIZE)
      return signedInPage(ctx, c, actor, {
        title: 'Referrals',
        current: '/referrals',
        frame,
        body: referralListBody({
          referrals,
          status,
          page: { number: pageNumber, hasNext: found.length > PAGE_SIZE },
          mayRefer: abilities.has('refer_families'),
          isInbox: abilities.has('see_all_families'),
        }),
      })
    }),
  )

  const formPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string>,
    error?: Parameters<typeof referralFormBody>[0]['error'],
    status: 200 | 400 | 403 | 409 = 200,
    duplicates?: Parameters<typeof referralFormBody>[0]['duplicates'],
  ) => {
    const abilities = await requirePage(ctx, actor, 'refer_families')
    // Those who record referrals for the centre name any agency; a referrer refers for theirs.
    const isCaseWorker = abilities.has('record_referrals')
    return signedInPage(ctx, c, actor, {
      title: error ? 'Error: Make a referral' : 'Make a referral',
      current: '/referrals',
      status,
      body: referralFormBody({
        form,
        csrf: pageCsrf(c),
        agencies: await listAgencyChoices(ctx, actor),
        isCaseWorker,
        error,
        duplicates,
      }),
    })
  }

  pages.get(
    '/referrals/new',
    signedInGet(async (c, actor) => {
      return formPage(c, actor, {})
    }),
  )

  pages.post('/referrals', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = fields.record()
    const parsed = parseReferralForm(
      form,
      (await pageAbilities(ctx, actor)).has('record_referrals'),
    )
    if (!parsed.ok) return formPage(c, actor, form, parsed.error, 400)
    // A family already held is asked about before a second record is made of it.
    if (form._new_family !== 'yes') {
      const duplicates = await likelyDuplicates(ctx, actor, peopleOfReferral(parsed.input))
      if (duplicates.length > 0) return formPage(c, actor, form, undefined, 200, duplicates)
    }
    const done = await tryForm(
      () => receiveReferral(ctx, actor, parsed.input),
      (path) => referralFieldOf(form, path),
    )
    if (!done.ok) return formPage(c, actor, form, done.error, done.status)
    return c.redirect(`/referrals/${done.value.referralId}?done=received`, 303)
  })

  pages.get(
    '/referrals/:referralId',
    signedInGet(async (c, actor) => {
      const referral = await readReferral(ctx, actor, c.req.param('referralId') ?? '')
      return signedInPage(ctx, c, actor, {
        title: `Referral ${referral.reference}`,
        current: '/referrals',
        body: referralBody({
          referral,
          csrf: pageCsrf(c),
          mayMove: (await pageAbilities(ctx, actor)).has('decide_referrals'),
          isCaseWorker: (await pageAbilities(ctx, actor)).has('see_all_families'),
          done: DONE[c.req.query('done') ?? ''],
        }),
      })
    }),
  )

  const arrangementsPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string> | undefined,
    error?: FormError,
    status: 200 | 400 | 403 | 409 = 200,
  ) => {
    await requirePage(ctx, actor, 'decide_referrals')
    const referral = await readReferral(ctx, actor, c.req.param('referralId') ?? '')
    const order = referral.courtOrder ?? {}
    return signedInPage(ctx, c, actor, {
      title: `${error ? 'Error: ' : ''}The arrangements, referral ${referral.reference}`,
      current: '/referrals',
      status,
      body: arrangementsBody({
        referral,
        form: form ?? {
          version: String(referral.version),
          availability: referral.availability ?? '',
          court_kind: order.kind ?? '',
          court_reference: order.reference ?? '',
          court_madeOn: order.madeOn ?? '',
          court_court: order.court ?? '',
          court_conditions: order.conditions ?? '',
        },
        csrf: pageCsrf(c),
        error,
      }),
    })
  }
  pages.get(
    '/referrals/:referralId/arrangements',
    signedInGet(async (c, actor) => arrangementsPage(c, actor, undefined)),
  )
  pages.post('/referrals/:referralId/arrangements', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = fields.record()
    const value = (name: string) => fields.get(name).trim() || undefined
    const kind = value('court_kind')
    const orderFields = ['court_reference', 'court_madeOn', 'court_court', 'court_conditions']
    if (!kind && orderFields.some((n) => value(n) !== undefined))
      return arrangementsPage(
        c,
        actor,
        form,
        { field: 'court_kind', message: 'say what kind of order it is, or clear the order' },
        400,
      )
    const checked = checkForm(
      arrangementsInput,
      {
        ...(value('availability') ? { availability: value('availability') } : {}),
        ...(kind
          ? {
              courtOrder: {
                kind,
                ...(value('court_reference') ? { reference: value('court_reference') } : {}),
                ...(value('court_madeOn') ? { madeOn: value('court_madeOn') } : {}),
                ...(value('court_court') ? { court: value('court_court') } : {}),
                ...(value('court_conditions') ? { conditions: value('court_conditions') } : {}),
              },
            }
          : {}),
        version: Number(fields.get('version')),
      },
      (path) => {
        const [first, second] = path.map(String)
        if (first === 'availability')
          return { field: 'availability', label: 'When the family can come' }
        if (first === 'courtOrder' && second)
          return { field: `court_${second}`, label: 'This part of the order' }
        return undefined
      },
    )
    if (!checked.ok) return arrangementsPage(c, actor, form, checked.error, 400)
    const referralId = c.req.param('referralId')
    const done = await tryForm(() => changeArrangements(ctx, actor, referralId, checked.input))
    if (!done.ok) return arrangementsPage(c, actor, form, done.error, done.status)
    return c.redirect(`/referrals/${referralId}?done=arranged`, 303)
  })

  pages.post('/referrals/:referralId/status', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const referralId = c.req.param('referralId')
    const to = fields.get('to')
    const done =
      to === ''
        ? refusedField('to', 'choose where the referral goes next')
        : await tryForm(() =>
            moveReferral(ctx, actor, referralId, { to, version: Number(fields.get('version')) }),
          )
    if (done.ok) return c.redirect(`/referrals/${referralId}?done=moved`, 303)
    const referral = await readReferral(ctx, actor, referralId)
    return signedInPage(ctx, c, actor, {
      title: `Error: Referral ${referral.reference}`,
      current: '/referrals',
      status: done.status,
      body: referralBody({
        referral,
        csrf: pageCsrf(c),
        mayMove: (await pageAbilities(ctx, actor)).has('decide_referrals'),
        isCaseWorker: (await pageAbilities(ctx, actor)).has('see_all_families'),
        error: done.error,
      }),
    })
  })
  return pages
}
