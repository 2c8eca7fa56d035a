import { Hono } from 'hono'
import { todayAtCentre } from '../app/case-access.ts'
import type { AppContext } from '../app/context.ts'
import { quarterReturnFile, readQuarterReturn } from '../app/statistics.ts'
import {
  parseQuarter,
  previousQuarter,
  quarterOf,
  SMALLEST_SHOWN,
  type QuarterReturn,
} from '../domain/statistics.ts'
import type { HavenEnv } from '../http/session.ts'
import { html, type Html } from './html.ts'
import { signedInGet, signedInPage, table } from './page-kit.ts'

/** The quarters offered: this one and the seven before it, newest first. */
function recentQuarters(today: string): string[] {
  const quarters = [quarterOf(today)]
  while (quarters.length < 8) quarters.push(previousQuarter(quarters.at(-1) ?? ''))
  return quarters
}

function statisticsBody(r: QuarterReturn, quarters: readonly string[]): Html {
  const q = r.quarter.label
  return html`<span class="govuk-caption-l">Statistics for the quarter</span>
    <h1 class="govuk-heading-l">${r.quarter.words}</h1>
    <form method="get" action="/centre/statistics" class="haven-filter haven-no-print">
      <div class="govuk-form-group"><label class="govuk-label" for="quarter">Quarter</label>
      <select class="govuk-select" id="quarter" name="quarter">${quarters.map(
        (label) =>
          html`<option value="${label}"${label === q ? ' selected' : ''}>${parseQuarter(label)?.words ?? label}</option>`,
      )}</select></div>
      <button type="submit" class="govuk-button govuk-button--secondary">Show</button></form>
    <p class="govuk-body haven-no-print">Download: <a class="govuk-link" href="/centre/statistics.csv?quarter=${q}" download>CSV</a>,
      <a class="govuk-link" href="/centre/statistics.pdf?quarter=${q}" download>PDF</a>.</p>
    <div class="govuk-inset-text">Counts from 1 to ${String(SMALLEST_SHOWN - 1)} are shown as "fewer than ${String(SMALLEST_SHOWN)}", and a figure that would let someone work one out is not shown, so that no family can be picked out. The downloads hide the same figures.</div>
    ${r.sections.map(
      (s) =>
        html`${table({
          caption: s.title,
          head: ['Figure', 'Value'],
          rows: s.figures.map((f) => [f.label, f.shown]),
          empty: '',
        })}${s.note ? html`<p class="govuk-body">${s.note}</p>` : ''}`,
    )}`
}

/** The quarter's figures for the national association: a page, CSV and PDF. */
export function statisticsRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  const quarterAsked = (asked: string | undefined): string =>
    asked !== undefined && parseQuarter(asked)
      ? asked
      : previousQuarter(quarterOf(todayAtCentre(ctx)))
  pages.get(
    '/centre/statistics',
    signedInGet(async (c, actor) => {
      const r = await readQuarterReturn(ctx, actor, quarterAsked(c.req.query('quarter')))
      return signedInPage(ctx, c, actor, {
        title: `Statistics, ${r.quarter.words}`,
        current: '/centre',
        body: statisticsBody(r, recentQuarters(todayAtCentre(ctx))),
      })
    }),
  )
  for (const kind of ['csv', 'pdf'] as const)
    pages.get(
      `/centre/statistics.${kind}`,
      signedInGet(async (c, actor) => {
        const file = await quarterReturnFile(ctx, actor, quarterAsked(c.req.query('quarter')), kind)
        c.header('Cache-Control', 'no-store')
        c.header('Content-Disposition', `attachment; filename="${file.fileName}"`)
        c.header('Content-Type', kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf')
        return c.body(typeof file.body === 'string' ? file.body : new Uint8Array(file.body))
      }),
    )
  return pages
}
