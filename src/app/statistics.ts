import { HavenError } from '../domain/errors.ts'
import type { OutgoingDocument } from '../domain/outward/documents.ts'
import {
  parseQuarter,
  quarterReturn,
  quarterReturnCsv,
  waitDays,
  type QuarterReturn,
} from '../domain/statistics.ts'
import { findCentre } from '../storage/centres.ts'
import { readQuarterFacts } from '../storage/statistics.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { auditedRead } from './in-centre.ts'
import { renderPdf } from './pdf.ts'
import { requireAbility } from './policy-access.ts'

/**
 * The quarter's figures for the national association (issue 17): counted from the centre's
 * records, small numbers hidden by the rules in src/domain/statistics.ts. For those the
 * policy names (`report_statistics`). One read; the audit entry names the quarter.
 */
export async function readQuarterReturn(
  ctx: AppContext,
  actor: Actor,
  label: string,
): Promise<QuarterReturn> {
  const quarter = parseQuarter(label)
  if (!quarter) throw new HavenError('invalid_input', 'a quarter is written 2026-Q3', 'quarter')
  await requireAbility(ctx, actor, 'report_statistics')
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const facts = await readQuarterFacts(trx, actor.centreId, quarter)
    await recordEvent(trx, {
      type: 'statistics.read',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { quarter: quarter.label },
    })
    return quarterReturn(quarter, {
      sessions: facts.sessions,
      childrenSeen: facts.childrenSeen,
      referrals: facts.referrals,
      // A referral dated after the family's first session (a history moved in) says nothing
      // of waiting, and is left out.
      waits: facts.firstSessions
        .filter((f) => f.receivedOn <= f.firstOn)
        .map((f) => waitDays(f.receivedOn, f.firstOn)),
      workers: facts.workers,
    })
  })
}

/** The return as a document, for the PDF: the same figures, hidden as on the page. */
export function quarterReturnDocument(r: QuarterReturn, centreName: string): OutgoingDocument {
  return {
    title: `Statistics for ${r.quarter.words}`,
    blocks: [
      { kind: 'paragraph', text: centreName },
      {
        kind: 'paragraph',
        text: 'Counts from 1 to 4 are shown as "fewer than 5", and a figure that would reveal one is not shown, so that no family can be picked out.',
      },
      ...r.sections.flatMap((s) => [
        { kind: 'heading' as const, text: s.title },
        {
          kind: 'table' as const,
          columns: ['Figure', 'Value'],
          rows: s.figures.map((f) => [f.label, f.shown]),
        },
        ...(s.note ? [{ kind: 'paragraph' as const, text: s.note }] : []),
      ]),
    ],
  }
}

/** The return as a PDF or as CSV, with its file name. */
export async function quarterReturnFile(
  ctx: AppContext,
  actor: Actor,
  label: string,
  kind: 'pdf' | 'csv',
): Promise<{ fileName: string; body: Uint8Array | string }> {
  const r = await readQuarterReturn(ctx, actor, label)
  const fileName = `statistics-${r.quarter.label}.${kind}`
  if (kind === 'csv') return { fileName, body: quarterReturnCsv(r) }
  const name = (await findCentre(ctx.db, actor.centreId))?.name ?? ''
  return {
    fileName,
    body: await renderPdf(quarterReturnDocument(r, name), {
      centreName: name,
      createdAt: ctx.now(),
    }),
  }
}
