import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import { todayAtCentre } from '../app/case-access.ts'
import { listConsents, recordConsent, withdrawConsent } from '../app/consents.ts'
import { consentInput } from '../app/contracts/outward.ts'
import type { AppContext } from '../app/context.ts'
import { readFamily } from '../app/families.ts'
import { listAgencyChoices } from '../app/referral-views.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import {
  CATEGORY_WORDS,
  FORMER_PARTNER_WARNING,
  PURPOSE_WORDS,
  RECIPIENT_WORDS,
  warningText,
} from './disclosure-pages.ts'
import { checkForm, type FormPlace } from './contract-form.ts'
import { html } from './html.ts'
import {
  button,
  choiceField,
  errorSummary,
  formFields,
  pageCsrf,
  postForm,
  requirePage,
  selectField,
  shortDate,
  signedInPage,
  successBanner,
  table,
  tag,
  textField,
  tryForm,
  type FormError,
  signedInGet,
} from './page-kit.ts'

/** A family's consents (CONTACT), recorded and withdrawn by the coordinator or staff. */
export function consentRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const render = async (
    c: Context<HavenEnv>,
    actor: Actor,
    familyId: string,
    form: Record<string, string>,
    extra: { done?: string; error?: FormError; status?: 200 | 400 | 403 | 409 } = {},
  ) => {
    await requirePage(ctx, actor, 'record_consents')
    const family = await readFamily(ctx, actor, familyId)
    const adults = family.people.filter((p) => p.kind !== 'child')
    const nameOf = (p: (typeof adults)[number]) =>
      [p.givenName, p.familyName].filter(Boolean).join(' ') || p.kind.replaceAll('_', ' ')
    const sections = []
    for (const person of adults) {
      const consents = await listConsents(ctx, actor, person.id)
      sections.push(
        table({
          caption: nameOf(person),
          head: ['What', 'To', 'For', 'Given', 'Expires', 'Now', ''],
          rows: consents.map((cv) => [
            CATEGORY_WORDS[cv.category] ?? cv.category,
            cv.recipient.name,
            PURPOSE_WORDS[cv.purpose] ?? cv.purpose,
            shortDate(cv.givenOn),
            cv.expiresOn ? shortDate(cv.expiresOn) : '',
            tag(cv.state, cv.state === 'live' ? 'green' : 'grey'),
            cv.state === 'live'
              ? postForm(
                  `/families/${family.id}/consents/${cv.id}/withdraw`,
                  pageCsrf(c),
                  html`${button('Record withdrawal', 'warning')}`,
                  `Record withdrawal of consent to ${cv.recipient.name}`,
                )
              : '',
          ]),
          empty: `${nameOf(person)} has given no consents.`,
        }),
      )
    }
    const e = extra.error
    const agencies = await listAgencyChoices(ctx, actor)
    return signedInPage(ctx, c, actor, {
      title: `${e ? 'Error: ' : ''}Consents, family ${family.reference}`,
      current: '/families',
      status: extra.status ?? 200,
      body: html`${successBanner(extra.done ? [extra.done] : [])}${errorSummary(e)}
        <span class="govuk-caption-l">Family ${family.reference}</span>
        <h1 class="govuk-heading-l">Consents</h1>
        <p class="govuk-body">A parent's address and phone number go to no one without that parent's permission (CONTACT). Each consent names what, to whom and for what; a withdrawal is a new record.</p>
        ${sections}
        <h2 class="govuk-heading-m">Record a consent</h2>
        ${postForm(
          `/families/${family.id}/consents`,
          pageCsrf(c),
          html`${selectField({ name: 'personId', label: 'Whose consent?', value: form.personId, options: [['', 'Choose'], ...adults.map((p) => [p.id, nameOf(p)] as const)], error: e })}
          ${choiceField({ kind: 'radios', name: 'category', label: 'To share what?', options: Object.entries(CATEGORY_WORDS), values: [form.category ?? ''], error: e })}
          ${selectField({ name: 'agencyId', label: 'With one of the centre’s agencies', value: form.agencyId, options: [['', 'Not an agency of the centre'], ...agencies.map((a) => [a.id, a.name] as const)], error: e })}
          ${warningText(FORMER_PARTNER_WARNING)}
          ${selectField({ name: 'recipientKind', label: 'Otherwise, with whom?', value: form.recipientKind, options: [['', 'Choose'], ...Object.entries(RECIPIENT_WORDS).filter(([k]) => k !== 'referring_agency')], error: e })}
          ${textField({ name: 'recipientName', label: 'Their name', value: form.recipientName, error: e })}
          ${choiceField({ kind: 'radios', name: 'purpose', label: 'For what?', options: Object.entries(PURPOSE_WORDS), values: [form.purpose ?? ''], error: e })}
          ${choiceField({
            kind: 'radios',
            name: 'evidence',
            label: 'How was it given?',
            hint: "Where the centre's policy asks for explicit permission, only a consent in writing, or given by the parent in Haven, lets contact details go",
            options: [
              ['written', 'In writing'],
              ['verbal', 'Spoken (recorded by you)'],
            ],
            values: [form.evidence ?? ''],
            isInline: true,
            error: e,
          })}
          ${textField({ name: 'givenOn', label: 'Given on', type: 'date', value: form.givenOn ?? todayAtCentre(ctx), error: e, width: 'govuk-input--width-10' })}
          ${textField({ name: 'expiresOn', label: 'Expires on (optional)', type: 'date', value: form.expiresOn, error: e, width: 'govuk-input--width-10' })}
          ${button('Record the consent')}`,
        )}`,
    })
  }

  pages.get(
    '/families/:familyId/consents',
    signedInGet(async (c, actor) => {
      const done = c.req.query('done')
      return render(
        c,
        actor,
        c.req.param('familyId') ?? '',
        {},
        done === 'recorded'
          ? { done: 'Consent recorded.' }
          : done === 'withdrawn'
            ? { done: 'Withdrawal recorded.' }
            : {},
      )
    }),
  )

  pages.post('/families/:familyId/consents', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const familyId = c.req.param('familyId')
    const form = fields.record()
    const fail = (field: string, message: string) =>
      render(c, actor, familyId, form, { error: { field, message }, status: 400 })
    if (!form.personId) return fail('personId', 'choose whose consent it is')
    if (!form.category || !(form.category in CATEGORY_WORDS))
      return fail('category', 'choose what may be shared')
    if (!form.agencyId && !(form.recipientKind && form.recipientKind in RECIPIENT_WORDS))
      return fail('agencyId', 'choose the agency, or say with whom')
    if (!form.agencyId && !form.recipientName?.trim())
      return fail('recipientName', 'give their name')
    if (!form.purpose || !(form.purpose in PURPOSE_WORDS))
      return fail('purpose', 'choose what it is for')
    if (form.evidence !== 'written' && form.evidence !== 'verbal')
      return fail('evidence', 'say how it was given')
    if (!form.givenOn) return fail('givenOn', 'enter the date it was given')
    // The use case's own contract decides every limit, as it does for the API (decision 0026).
    const read = checkForm(
      consentInput,
      {
        personId: form.personId,
        category: form.category,
        recipient: form.agencyId
          ? { agencyId: form.agencyId }
          : { kind: form.recipientKind, name: (form.recipientName ?? '').trim() },
        purpose: form.purpose,
        evidence: form.evidence,
        givenOn: form.givenOn,
        ...(form.expiresOn ? { expiresOn: form.expiresOn } : {}),
      },
      consentPlace,
    )
    if (!read.ok) return render(c, actor, familyId, form, { error: read.error, status: 400 })
    const input = read.input
    const done = await tryForm(() => recordConsent(ctx, actor, input))
    if (!done.ok)
      return render(c, actor, familyId, form, { error: done.error, status: done.status })
    return c.redirect(`/families/${familyId}/consents?done=recorded`, 303)
  })

  pages.post('/families/:familyId/consents/:consentId/withdraw', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const familyId = c.req.param('familyId')
    const done = await tryForm(() =>
      withdrawConsent(ctx, actor, c.req.param('consentId'), { evidence: 'written' }),
    )
    if (!done.ok) return render(c, actor, familyId, {}, { error: done.error, status: done.status })
    return c.redirect(`/families/${familyId}/consents?done=withdrawn`, 303)
  })
  return pages
}

const CONSENT_FIELDS: Readonly<Record<string, readonly [field: string, label: string]>> = {
  personId: ['personId', 'Whose consent'],
  category: ['category', 'What may be shared'],
  purpose: ['purpose', 'What it is for'],
  evidence: ['evidence', 'How it was given'],
  givenOn: ['givenOn', 'The date it was given'],
  expiresOn: ['expiresOn', 'The date it expires'],
}

/** Where a path of the consent's input sits on the form, and what the form calls it. */
function consentPlace(path: readonly PropertyKey[]): FormPlace | undefined {
  const [first, second] = path.map(String)
  if (first === 'recipient')
    return second === 'agencyId'
      ? { field: 'agencyId', label: 'The agency' }
      : second === 'kind'
        ? { field: 'recipientKind', label: 'With whom' }
        : { field: 'recipientName', label: 'Their name' }
  const place = first === undefined ? undefined : CONSENT_FIELDS[first]
  return place && { field: place[0], label: place[1] }
}
