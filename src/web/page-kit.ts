import { ukClock, ukWallClock } from '../domain/calendar.ts'
import { randomUUID } from 'node:crypto'
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { findAccountSummary } from '../app/account-summary.ts'
import {
  abilitiesOfActor,
  requireAbility,
  type Abilities,
  type Ability,
  type Permission,
} from '../app/policy-access.ts'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { onePageRead, pageTogether } from '../app/in-centre.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import { requireFullSession } from '../app/sign-in.ts'
import { HavenError, isHavenError } from '../domain/errors.ts'
import type { HavenEnv } from '../http/session.ts'
import { readForm } from './forms.ts'
import { html, type Html } from './html.ts'
import { layout } from './layout.ts'
import { navigation } from './navigation.ts'

/** The signed-in person behind a page request, or undefined (not signed in, or half-way). */
export function pageActor(c: Context<HavenEnv>): Actor | undefined {
  const view = c.get('session')
  return !view || view.session.isSecondFactorPending ? undefined : requireFullSession(view)
}

/**
 * A page for a signed-in person (both factors where their roles need them); anyone else is
 * sent to sign in.
 */
export function signedInGet<P extends string>(
  handler: (c: Context<HavenEnv, P>, actor: Actor) => Promise<Response>,
): (c: Context<HavenEnv, P>) => Promise<Response> {
  return async (c) => {
    const actor = pageActor(c)
    if (!actor) return c.redirect('/sign-in', 303)
    return handler(c, actor)
  }
}

/** A form's own check refused an answer: the field, and what to do about it (400). */
export function refusedField(
  field: string,
  message: string,
): { ok: false; error: FormError; status: 400 } {
  return { ok: false, error: { field, message }, status: 400 }
}

/** The CSRF token of this page's session, for its forms. */
export function pageCsrf(c: Context<HavenEnv>): string {
  return csrfTokenFor(c.get('sessionToken') ?? '')
}

/**
 * What the signed-in person may do, as their centre's policy decides (abilities.ts): pages
 * offer exactly these links, buttons and forms, and keep no role lists of their own.
 */
export async function pageAbilities(ctx: AppContext, actor: Actor): Promise<Abilities> {
  return abilitiesOfActor(ctx, actor)
}

/**
 * Refuses a page to anyone the policy does not give any of the permissions, as a page (403)
 * with the policy's reason. Use cases decide again: this only spares a reader a form they
 * could never send.
 */
export async function requirePage(
  ctx: AppContext,
  actor: Actor,
  ...anyOf: readonly [Permission, ...Permission[]]
): Promise<Abilities> {
  const abilities = await pageAbilities(ctx, actor)
  if (anyOf.some((p) => abilities.has(p))) return abilities
  const [first] = anyOf
  if (!first.startsWith('read:')) await requireAbility(ctx, actor, first as Ability)
  throw new HavenError('forbidden', 'the centre’s policy does not give you this page')
}

export interface PageOptions {
  title: string
  /** The navigation item this page sits under. */
  current: string
  body: Html
  status?: ContentfulStatusCode
  /** Pages with personal data are never cached; a public page may say otherwise. */
  cache?: string
  /** The frame, when the page read it with the rest (`readPage`); otherwise read here. */
  frame?: PageFrame | undefined
}

/** What the frame of a signed-in page shows besides the page: the centre, the navigation. */
export interface PageFrame {
  centreName: string
  abilities: Abilities
}

/** The frame's reads, for a page that reads everything in one snapshot. */
export async function readPageFrame(ctx: AppContext, actor: Actor): Promise<PageFrame> {
  const summary = await findAccountSummary(ctx, actor)
  return { centreName: summary.centreName, abilities: await pageAbilities(ctx, actor) }
}

/**
 * A page's reads as one snapshot (`onePageRead`: one transaction, the policy read once, one
 * batch of audit entries), with the frame's read asked beside them rather than after. Render
 * once it returns: the connection is not held while the page is built.
 */
export async function readPage<T>(
  ctx: AppContext,
  actor: Actor,
  read: (page: AppContext) => Promise<T>,
): Promise<[T, PageFrame]> {
  return onePageRead(ctx, actor.centreId, (page) =>
    pageTogether(page, read, (p) => readPageFrame(p, actor)),
  )
}

/** A signed-in page in the frame: the centre's name, the navigation, sign-out; never cached. */
export async function signedInPage(
  ctx: AppContext,
  c: Context<HavenEnv>,
  actor: Actor,
  options: PageOptions,
): Promise<Response> {
  c.header('Cache-Control', options.cache ?? 'no-store')
  const frame = options.frame ?? (await readPageFrame(ctx, actor))
  return c.html(
    layout(options.title, options.body, html`Haven`, {
      centreName: frame.centreName,
      navigation: navigation({
        abilities: frame.abilities,
        current: options.current,
        csrf: pageCsrf(c),
      }),
      sessionEndsAt: c.get('session')?.endsAt,
      serverNow: ctx.now().toISOString(),
    }).value,
    options.status ?? 200,
  )
}

/**
 * A section of a page the reader's roles or the policy do not give them: left out (undefined),
 * not an error. Anything else still fails the page.
 */
export async function unlessForbidden<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work()
  } catch (error) {
    if (isHavenError(error) && error.code === 'forbidden') return undefined
    throw error
  }
}

/** An error a form can show next to its field: the fields the form has, and the message. */
export interface FormError {
  field: string | undefined
  message: string
  /** The form's other problems, each shown beside its own field and all in the summary. */
  also?: readonly FormProblem[]
}

/** One problem with a form's answer: the field it belongs to, and what is wrong. */
export interface FormProblem {
  field: string | undefined
  message: string
}

/** Every problem of a form, in the order of the form (the first is the error itself). */
export function problemsOf(error: FormError): readonly FormProblem[] {
  return [{ field: error.field, message: error.message }, ...(error.also ?? [])]
}

/** A form's problems as one error, or none when the list is empty. */
export function formErrorOf(problems: readonly FormProblem[]): FormError | undefined {
  const [first, ...rest] = problems
  return first && { ...first, ...(rest.length > 0 ? { also: rest } : {}) }
}

/**
 * Runs a form's use case; an expected refusal (bad input, a conflict, a policy refusal, a
 * record gone) comes back as a FormError for the page to show beside the field, with what
 * was typed kept. Anything else is thrown to the error page.
 */
export async function tryForm<T>(
  work: () => Promise<T>,
  /** The form's field for a path of the use case's input ("children.0.dateOfBirth"). */
  fieldOf?: (path: readonly string[]) => string | undefined,
): Promise<{ ok: true; value: T } | { ok: false; error: FormError; status: 400 | 403 | 409 }> {
  try {
    return { ok: true, value: await work() }
  } catch (error) {
    if (!isHavenError(error)) throw error
    const status =
      error.code === 'invalid_input'
        ? 400
        : error.code === 'conflict'
          ? 409
          : error.code === 'forbidden' && error.clauses !== undefined
            ? 403
            : undefined
    if (status === undefined) throw error
    const path = error.field?.replace(/^body\./, '').split('.')
    const field = path && (fieldOf?.(path) ?? path[0])
    return { ok: false, error: { field, message: error.message }, status }
  }
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

/** GOV.UK's error summary, linking to the field in error. */
export function errorSummary(error: FormError | undefined): Html {
  if (!error) return html``
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">
    <h2 class="govuk-error-summary__title">There is a problem</h2>
    <div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">
      ${problemsOf(error).map((p) => html`<li>${p.field === undefined ? capitalised(p.message) : html`<a href="#${p.field}">${capitalised(p.message)}</a>`}</li>`)}
    </ul></div></div></div>`
}

/** A success banner after a form did what it said. */
export function successBanner(lines: readonly string[]): Html {
  if (lines.length === 0) return html``
  return html`<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="done-title" data-module="govuk-notification-banner">
    <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="done-title">Done</h2></div>
    <div class="govuk-notification-banner__content">${lines.map((l) => html`<p class="govuk-notification-banner__heading">${l}</p>`)}</div></div>`
}

interface FieldBase {
  name: string
  label: string
  hint?: string | undefined
  error?: FormError | undefined
  /** The label as the page's heading (a question page). */
  isPageHeading?: boolean
}

function fieldParts(field: FieldBase): {
  groupClass: string
  label: Html
  hint: Html
  message: Html
  describedBy: string
  isError: boolean
} {
  const problem = field.error && problemsOf(field.error).find((p) => p.field === field.name)
  const isError = problem !== undefined
  const ids = [
    ...(field.hint ? [`${field.name}-hint`] : []),
    ...(isError ? [`${field.name}-error`] : []),
  ]
  return {
    groupClass: `govuk-form-group${isError ? ' govuk-form-group--error' : ''}`,
    label: field.isPageHeading
      ? html`<h1 class="govuk-label-wrapper"><label class="govuk-label govuk-label--l" for="${field.name}">${field.label}</label></h1>`
      : html`<label class="govuk-label" for="${field.name}">${field.label}</label>`,
    hint: field.hint
      ? html`<div class="govuk-hint" id="${field.name}-hint">${field.hint}</div>`
      : html``,
    message: problem
      ? html`<p class="govuk-error-message" id="${field.name}-error"><span class="govuk-visually-hidden">Error:</span> ${capitalised(problem.message)}</p>`
      : html``,
    describedBy: ids.join(' '),
    isError,
  }
}

/** A text input (date, time, email, number by `type`), GOV.UK style, its error beside it. */
export function textField(
  field: FieldBase & {
    value?: string | undefined
    type?: 'text' | 'date' | 'time' | 'email' | 'number' | 'datetime-local'
    width?: 'govuk-input--width-10' | 'govuk-input--width-20' | 'govuk-input--width-5' | ''
    autocomplete?: string
  },
): Html {
  const p = fieldParts(field)
  return html`<div class="${p.groupClass}">${p.label}${p.hint}${p.message}
    <input class="govuk-input ${field.width ?? ''}${p.isError ? ' govuk-input--error' : ''}" id="${field.name}" name="${field.name}" type="${field.type ?? 'text'}" value="${field.value ?? ''}" autocomplete="${field.autocomplete ?? 'off'}"${p.describedBy ? html` aria-describedby="${p.describedBy}"` : ''}></div>`
}

/** A textarea, its error beside it. */
export function textArea(field: FieldBase & { value?: string | undefined; rows?: number }): Html {
  const p = fieldParts(field)
  return html`<div class="${p.groupClass}">${p.label}${p.hint}${p.message}
    <textarea class="govuk-textarea${p.isError ? ' govuk-textarea--error' : ''}" id="${field.name}" name="${field.name}" rows="${field.rows ?? 4}"${p.describedBy ? html` aria-describedby="${p.describedBy}"` : ''}>${field.value ?? ''}</textarea></div>`
}

/** A select of options (value, words), its error beside it. */
export function selectField(
  field: FieldBase & {
    options: readonly (readonly [string, string])[]
    value?: string | undefined
  },
): Html {
  const p = fieldParts(field)
  return html`<div class="${p.groupClass}">${p.label}${p.hint}${p.message}
    <select class="govuk-select${p.isError ? ' govuk-select--error' : ''}" id="${field.name}" name="${field.name}"${p.describedBy ? html` aria-describedby="${p.describedBy}"` : ''}>
      ${field.options.map(([value, words]) => html`<option value="${value}"${value === field.value ? ' selected' : ''}>${words}</option>`)}
    </select></div>`
}

/** Radios or checkboxes in a fieldset, the legend as their question. */
export function choiceField(
  field: FieldBase & {
    kind: 'radios' | 'checkboxes'
    options: readonly (readonly [string, string])[]
    values?: readonly string[]
    isInline?: boolean
  },
): Html {
  const p = fieldParts(field)
  const type = field.kind === 'radios' ? 'radio' : 'checkbox'
  return html`<div class="${p.groupClass}"><fieldset class="govuk-fieldset"${p.describedBy ? html` aria-describedby="${p.describedBy}"` : ''}>
    <legend class="govuk-fieldset__legend${field.isPageHeading ? ' govuk-fieldset__legend--l' : ' govuk-fieldset__legend--s'}">${field.isPageHeading ? html`<h1 class="govuk-fieldset__heading">${field.label}</h1>` : field.label}</legend>
    ${p.hint}${p.message}
    <div class="govuk-${field.kind}${field.isInline ? ` govuk-${field.kind}--inline` : ''} govuk-${field.kind}--small" data-module="govuk-${field.kind}">
      ${field.options.map(
        ([value, words], index) => html`<div class="govuk-${field.kind}__item">
        <input class="govuk-${field.kind}__input" id="${index === 0 ? field.name : `${field.name}-${String(index)}`}" name="${field.name}" type="${type}" value="${value}"${(field.values ?? []).includes(value) ? ' checked' : ''}>
        <label class="govuk-label govuk-${field.kind}__label" for="${index === 0 ? field.name : `${field.name}-${String(index)}`}">${words}</label></div>`,
      )}
    </div></fieldset></div>`
}

/**
 * A form that posts to this site, with its CSRF token and a token new with each page, so that
 * the form sent twice is taken once (src/web/form-once.ts; decision 0030).
 */
export function postForm(action: string, csrf: string, content: Html, label?: string): Html {
  return html`<form method="post" action="${action}" novalidate${label ? html` aria-label="${label}"` : ''}>
    <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="_once" value="${randomUUID()}">${content}</form>`
}

/** A submit button (secondary, or a warning for what cannot be undone). */
export function button(words: string, kind: 'primary' | 'secondary' | 'warning' = 'primary'): Html {
  return html`<button type="submit" class="govuk-button${kind === 'primary' ? '' : ` govuk-button--${kind}`}" data-module="govuk-button">${words}</button>`
}

/** A summary list of key and value rows. */
export function summaryList(rows: readonly (readonly [string, Html | string])[]): Html {
  return html`<dl class="govuk-summary-list">${rows.map(
    ([key, value]) =>
      html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">${key}</dt><dd class="govuk-summary-list__value">${value}</dd></div>`,
  )}</dl>`
}

/** A table with a caption (visually hidden when the heading says it), headers and rows. */
export function table(input: {
  caption: string
  isCaptionHidden?: boolean
  head: readonly string[]
  rows: readonly (readonly (Html | string)[])[]
  empty: string
}): Html {
  if (input.rows.length === 0) return html`<p class="govuk-body">${input.empty}</p>`
  // On a phone each row becomes a card, each cell labelled by its column (haven.scss).
  return html`<table class="govuk-table haven-table">
    <caption class="govuk-table__caption govuk-table__caption--m${input.isCaptionHidden ? ' govuk-visually-hidden' : ''}">${input.caption}</caption>
    <thead class="govuk-table__head"><tr class="govuk-table__row">${input.head.map((h) => html`<th scope="col" class="govuk-table__header">${h}</th>`)}</tr></thead>
    <tbody class="govuk-table__body">${input.rows.map(
      (row) =>
        html`<tr class="govuk-table__row">${row.map((cell, i) => html`<td class="govuk-table__cell" data-label="${input.head[i] ?? ''}">${cell}</td>`)}</tr>`,
    )}</tbody></table>`
}

/** GOV.UK's pagination: previous and next, and the page number (no count: lists are decided row by row). */
export function pagination(
  label: string,
  page: { number: number; hasNext: boolean },
  hrefOf: (n: number) => string,
): Html {
  if (page.number <= 1 && !page.hasNext) return html``
  return html`<nav class="govuk-pagination" aria-label="${label}">
    ${page.number > 1 ? html`<div class="govuk-pagination__prev"><a class="govuk-link govuk-pagination__link" href="${hrefOf(page.number - 1)}" rel="prev"><span class="govuk-pagination__link-title">Previous<span class="govuk-visually-hidden"> page</span></span></a></div>` : ''}
    <p class="govuk-body govuk-!-margin-bottom-0">Page ${String(page.number)}</p>
    ${page.hasNext ? html`<div class="govuk-pagination__next"><a class="govuk-link govuk-pagination__link" href="${hrefOf(page.number + 1)}" rel="next"><span class="govuk-pagination__link-title">Next<span class="govuk-visually-hidden"> page</span></span></a></div>` : ''}
  </nav>`
}

/** The page number asked for in `?page=`, from 1. */
export function pageNumberOf(value: string | undefined): number {
  return Math.max(1, Math.min(10_000, Math.floor(Number(value) || 1)))
}

/** A status as a tag, its words from the status itself. */
export function tag(status: string, colour?: string): Html {
  return html`<strong class="govuk-tag${colour ? ` govuk-tag--${colour}` : ''}">${status.replaceAll('_', ' ')}</strong>`
}

/** A link styled as GOV.UK's. */
export function link(href: string, words: string): Html {
  return html`<a class="govuk-link" href="${href}">${words}</a>`
}

const LONG_DATE = new Intl.DateTimeFormat('en-GB', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})
const SHORT_DATE = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
})

/**
 * A calendar date in words, remembered: a page of a few hundred rows names the same few
 * dates again and again, and formatting is the dearest step of rendering them (one
 * formatter for all, not one made per call as toLocaleDateString does).
 */
function dateWords(format: Intl.DateTimeFormat, seen: Map<string, string>, date: string): string {
  const day = ukWallClock(date).slice(0, 10)
  const known = seen.get(day)
  if (known !== undefined) return known
  const words = format.format(new Date(`${day}T00:00:00Z`))
  if (seen.size >= 4000) seen.clear()
  seen.set(day, words)
  return words
}
const longDates = new Map<string, string>()
const shortDates = new Map<string, string>()

/** A date as "Monday 7 December 2026" (an instant's UK date). */
export function longDate(date: string): string {
  return dateWords(LONG_DATE, longDates, date)
}

/** A date as "7 Dec 2026" (an instant's UK date). */
export function shortDate(date: string): string {
  return dateWords(SHORT_DATE, shortDates, date)
}

/** An instant as the UK reads it: "14 Jul 2026 09:00" (GMT or BST as it falls). */
export function ukShortDateTime(iso: string): string {
  const uk = ukWallClock(iso)
  return `${shortDate(uk)} ${uk.slice(11, 16)}`
}

/**
 * The time of day as the UK reads it, "09:45": a wall-clock time as written, an instant (an
 * arrival, an answer) in GMT or BST as it fell. Empty for no time.
 */
export function clockTime(value: string | null | undefined): string {
  return ukClock(value)
}

/** The form's fields as strings (a file or a repeated field's first value, otherwise ''). */
export async function formFields(c: Context<HavenEnv>): Promise<{
  get: (name: string) => string
  all: (name: string) => string[]
  /** Every field's first value as text, for a form kept as typed. */
  record: () => Record<string, string>
}> {
  const body = await readForm(c, { all: true })
  const values = (name: string): unknown[] => {
    const v = body[name]
    return Array.isArray(v) ? v : v === undefined ? [] : [v]
  }
  return {
    get: (name) => {
      const first = values(name)[0]
      return typeof first === 'string' ? first : ''
    },
    all: (name) => values(name).filter((v): v is string => typeof v === 'string'),
    record: () => {
      const out: Record<string, string> = {}
      for (const name of Object.keys(body)) {
        if (name === '_csrf' || name === '_once') continue
        const first = values(name)[0]
        if (typeof first === 'string') out[name] = first
      }
      return out
    },
  }
}
