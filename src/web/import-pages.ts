import { randomUUID } from 'node:crypto'
import { Hono, type Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import {
  importRecords,
  openCheckedFiles,
  sealCheckedFiles,
  type ImportReport,
} from '../app/centre-import.ts'
import type { AppContext } from '../app/context.ts'
import { templateCsv, templateWorkbook, type ImportFile } from '../app/import-files.ts'
import { HavenError } from '../domain/errors.ts'
import { SHEET_TITLES, SHEETS, templateGuide, type ImportProblem } from '../domain/import-sheets.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { readForm } from './forms.ts'
import { html, type Html } from './html.ts'
import {
  button,
  errorSummary,
  pageCsrf,
  requirePage,
  signedInGet,
  signedInPage,
  successBanner,
  summaryList,
  table,
  tryForm,
  type FormError,
} from './page-kit.ts'

/** The most files one check takes: a workbook, or a CSV file per sheet, and room to spare. */
const MAX_FILES = 8
/** The problems listed on the page: a file with more has the same few mistakes many times. */
const PROBLEMS_SHOWN = 200

const plural = (n: number, one: string, many: string) => `${String(n)} ${n === 1 ? one : many}`

function countsWords(counts: ImportReport['counts']): string {
  return [
    plural(counts.families, 'family', 'families'),
    plural(counts.people, 'person', 'people'),
    plural(counts.sessions, 'session', 'sessions'),
    plural(counts.agencies, 'agency', 'agencies'),
  ].join(', ')
}

function uploadForm(csrf: string, error: FormError | undefined): Html {
  const message = error?.field === 'files' ? error.message : undefined
  // No `_once` token: a check saves nothing, so sending it twice is harmless.
  return html`<form method="post" action="/centre/import" enctype="multipart/form-data" novalidate aria-label="Check your files">
      <input type="hidden" name="_csrf" value="${csrf}">
      <div class="govuk-form-group${message ? ' govuk-form-group--error' : ''}">
        <h2 class="govuk-label-wrapper"><label class="govuk-label govuk-label--m" for="files">Check your files</label></h2>
        <div id="files-hint" class="govuk-hint">An Excel workbook (.xlsx) with a tab for each sheet, or a CSV file for each sheet named after it (families.csv, people.csv). Checking saves nothing.</div>
        ${message ? html`<p id="files-error" class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${message}</p>` : ''}
        <input class="govuk-file-upload${message ? ' govuk-file-upload--error' : ''}" id="files" name="files" type="file" multiple accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-describedby="files-hint${message ? ' files-error' : ''}">
      </div>
      ${button('Check the files', 'secondary')}
    </form>`
}

/**
 * The form that sends the checked files back: multipart, so the sealed files travel as they
 * are and not URL-encoded again, with its form token so a double click imports once.
 */
function confirmForm(csrf: string, content: Html): Html {
  return html`<form method="post" action="/centre/import/confirm" enctype="multipart/form-data" novalidate aria-label="Import the checked files">
    <input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="_once" value="${randomUUID()}">${content}</form>`
}

function problemRows(problems: readonly ImportProblem[]): (string | Html)[][] {
  return problems.map((p) => [
    p.sheet === 'file' ? 'Files' : SHEET_TITLES[p.sheet],
    p.row === undefined ? '' : String(p.row),
    p.column ?? '',
    p.message.charAt(0).toUpperCase() + p.message.slice(1),
  ])
}

function importBody(input: {
  csrf: string
  error?: FormError | undefined
  report?: ImportReport | undefined
  sealed?: { sealed: string; expiresAt: string } | undefined
  imported?: string | undefined
}): Html {
  const { report } = input
  const guide = templateGuide()
  return html`${input.imported ? successBanner([input.imported]) : ''}
    ${errorSummary(input.error)}
    <h1 class="govuk-heading-l">Move your records into Haven</h1>
    <p class="govuk-body">Bring in the families you already work with, their people and contact details, the agencies that refer them, and the sessions already booked. Fill in the template, check it here, then import it: nothing is saved until every row is right, and then everything is saved at once.</p>
    <ul class="govuk-list">
      <li><a class="govuk-link" href="/centre/import/template.xlsx" download>Download the Excel template (.xlsx)</a></li>
      <li>Or a CSV template for each sheet: ${SHEETS.map(
        (s, i) =>
          html`${i > 0 ? ', ' : ''}<a class="govuk-link" href="/centre/import/${s}.csv" download>${SHEET_TITLES[s]}</a>`,
      )}</li>
    </ul>
    <details class="govuk-details"><summary class="govuk-details__summary"><span class="govuk-details__summary-text">What goes in each column</span></summary>
      <div class="govuk-details__text">${table({
        caption: 'The columns of each sheet',
        isCaptionHidden: true,
        head: ['Sheet', 'Column', 'Needed', 'What to write'],
        rows: guide.map((g) => [g.sheet, g.column, g.required ? 'Yes' : 'No', g.hint]),
        empty: '',
      })}
      <p class="govuk-body">Addresses, phone numbers and e-mails are sealed as they arrive. Volunteers are invited from <a class="govuk-link" href="/centre/people">People and access</a>, so that each sets their own password; their checks are recorded once they have an account. Rooms must be added before sessions are imported.</p></div>
    </details>
    ${
      report && report.problems.length > 0
        ? html`<h2 class="govuk-heading-m" id="problems">${plural(report.problems.length, 'problem', 'problems')} to put right</h2>
          <p class="govuk-body">Nothing was saved. Put these right in your spreadsheet, then check it again. Rows are numbered as in Excel: the headings are row 1.</p>
          ${table({
            caption: 'Problems found, by sheet and row',
            isCaptionHidden: true,
            head: ['Sheet', 'Row', 'Column', 'Problem'],
            rows: problemRows(report.problems.slice(0, PROBLEMS_SHOWN)),
            empty: '',
          })}${
            report.problems.length > PROBLEMS_SHOWN
              ? html`<p class="govuk-body">The first ${String(PROBLEMS_SHOWN)} are listed; ${String(report.problems.length - PROBLEMS_SHOWN)} more are like them. <code>haven import --dry-run</code> lists them all.</p>`
              : ''
          }`
        : ''
    }
    ${
      report && report.problems.length === 0 && input.sealed
        ? html`<div class="govuk-panel govuk-panel--confirmation"><h2 class="govuk-panel__title">No problems found</h2>
          <div class="govuk-panel__body">Ready to import ${countsWords(report.counts)}</div></div>
          ${summaryList([
            ['Families', String(report.counts.families)],
            ['People', String(report.counts.people)],
            ['Sessions booked', String(report.counts.sessions)],
            ['New agencies', String(report.counts.agencies)],
          ])}
          ${table({
            caption: 'The reference each family will have',
            head: ['Your label', 'Haven reference'],
            rows: report.references.map((r) => [r.label, r.reference]),
            empty: '',
          })}
          ${confirmForm(
            input.csrf,
            html`<input type="hidden" name="sealed" value="${input.sealed.sealed}"><input type="hidden" name="expiresAt" value="${input.sealed.expiresAt}">
              <div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>This adds ${plural(report.counts.families, 'family', 'families')} to Haven at once. The checked files wait here for 30 minutes.</strong></div>
              ${button(`Import ${plural(report.counts.families, 'family', 'families')}`)}`,
          )}`
        : ''
    }
    ${uploadForm(input.csrf, input.error)}`
}

/** The files of the upload form, as sent; a refusal in words when there are none or too many. */
async function uploadedFiles(c: Context<HavenEnv>): Promise<{ csrf: string; files: ImportFile[] }> {
  const body = await readForm(c, { all: true })
  const csrf = typeof body._csrf === 'string' ? body._csrf : ''
  const sent = body.files
  const list = (Array.isArray(sent) ? sent : sent === undefined ? [] : [sent]).filter(
    (f): f is File => f instanceof File && f.size > 0,
  )
  if (list.length > MAX_FILES)
    throw new HavenError('invalid_input', `send ${String(MAX_FILES)} files at most`, 'files')
  const files: ImportFile[] = []
  for (const file of list)
    files.push({ name: file.name, bytes: new Uint8Array(await file.arrayBuffer()) })
  return { csrf, files }
}

/** Moving in: the template, a dry run that lists every problem, then the import (issue 17). */
export function importRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  const page = async (
    c: Context<HavenEnv>,
    actor: Actor,
    input: Omit<Parameters<typeof importBody>[0], 'csrf'>,
    status: 200 | 400 | 403 | 409 = 200,
  ) => {
    await requirePage(ctx, actor, 'record_referrals')
    await requirePage(ctx, actor, 'decide_referrals')
    return signedInPage(ctx, c, actor, {
      title: `${input.error || (input.report?.problems.length ?? 0) > 0 ? 'Error: ' : ''}Move your records into Haven`,
      current: '/centre',
      status,
      body: importBody({ ...input, csrf: pageCsrf(c) }),
    })
  }

  pages.get(
    '/centre/import',
    signedInGet(async (c, actor) => {
      const n = (name: string) => Number(c.req.query(name) ?? '0') || 0
      const imported =
        c.req.query('imported') === undefined
          ? undefined
          : `Imported ${countsWords({ families: n('imported'), people: n('people'), sessions: n('sessions'), agencies: n('agencies') })}.`
      return page(c, actor, { imported })
    }),
  )
  pages.get(
    '/centre/import/template.xlsx',
    signedInGet(async (c, actor) => {
      await requirePage(ctx, actor, 'record_referrals')
      c.header('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      c.header('Content-Disposition', 'attachment; filename="haven-import-template.xlsx"')
      return c.body(new Uint8Array(await templateWorkbook()))
    }),
  )
  for (const sheet of SHEETS)
    pages.get(
      `/centre/import/${sheet}.csv`,
      signedInGet(async (c, actor) => {
        await requirePage(ctx, actor, 'record_referrals')
        c.header('Content-Type', 'text/csv; charset=utf-8')
        c.header('Content-Disposition', `attachment; filename="${sheet}.csv"`)
        return c.body(templateCsv(sheet))
      }),
    )

  pages.post('/centre/import', async (c) => {
    const upload = await uploadedFiles(c)
    const actor = requireActor(c, upload.csrf)
    if (upload.files.length === 0)
      return page(
        c,
        actor,
        { error: { field: 'files', message: 'choose the files to check' } },
        400,
      )
    const done = await tryForm(() => importRecords(ctx, actor, upload.files, { isDryRun: true }))
    if (!done.ok) return page(c, actor, { error: done.error }, done.status)
    const report = done.value
    if (report.problems.length > 0)
      return page(
        c,
        actor,
        {
          report,
          error: {
            field: 'files',
            message: `${plural(report.problems.length, 'problem was', 'problems were')} found, so nothing was saved: put them right in the spreadsheet, then choose the files again`,
          },
        },
        400,
      )
    return page(c, actor, { report, sealed: sealCheckedFiles(ctx, actor, upload.files) })
  })

  pages.post('/centre/import/confirm', async (c) => {
    const body = await readForm(c)
    const field = (name: string) => (typeof body[name] === 'string' ? body[name] : '')
    const actor = requireActor(c, field('_csrf'))
    const done = await tryForm(async () => {
      const checked = openCheckedFiles(ctx, actor, field('sealed'), field('expiresAt'))
      return importRecords(ctx, actor, checked.files, {
        isDryRun: false,
        checkId: checked.checkId,
      })
    })
    if (!done.ok) return page(c, actor, { error: done.error }, done.status)
    const report = done.value
    if (!report.isImported)
      return page(
        c,
        actor,
        {
          report,
          error: {
            field: 'files',
            message: `since the check, ${plural(report.problems.length, 'problem has', 'problems have')} come up, so nothing was saved: put them right, then check the files again`,
          },
        },
        409,
      )
    const q = new URLSearchParams({
      imported: String(report.counts.families),
      people: String(report.counts.people),
      sessions: String(report.counts.sessions),
      agencies: String(report.counts.agencies),
    })
    return c.redirect(`/centre/import?${q.toString()}`, 303)
  })
  return pages
}
