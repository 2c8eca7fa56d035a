import { ukDateOf } from '../domain/calendar.ts'
import { attendanceCsv, type AttendanceLine } from '../domain/outward/attendance.ts'
import {
  attendanceStatement,
  refusalLetter,
  type OutgoingDocument,
} from '../domain/outward/documents.ts'
import { HavenError } from '../domain/errors.ts'
import { findCentre } from '../storage/centres.ts'
import { findFamily } from '../storage/families.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { todayAtCentre } from './case-access.ts'
import type { AppContext } from './context.ts'
import { entryInScope } from './disclosure-register.ts'
import { inCentre } from './in-centre.ts'
import { renderPdf } from './pdf.ts'

export interface DownloadedDocument {
  fileName: string
  contentType: 'application/pdf' | 'text/csv; charset=utf-8'
  body: Uint8Array
}

/**
 * A released attendance statement (ATTEND), as PDF or CSV, built from the lines the register
 * recorded at release (so every copy says exactly what left), or the refusal letter of a
 * refused request, citing its clauses. For the agency that asked and the coordinator and
 * committee; every download is audited (NDX).
 */
export async function downloadDisclosureDocument(
  ctx: AppContext,
  actor: Actor,
  id: string,
  kind: 'statement.pdf' | 'statement.csv' | 'letter.pdf',
): Promise<DownloadedDocument> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const { entry } = await entryInScope(ctx, trx, actor, id)
    const centre = await findCentre(trx, actor.centreId)
    const family = await findFamily(trx, actor.centreId, entry.familyId)
    if (!centre || !family) throw new HavenError('not_found', 'no such disclosure')
    const issuedOn = todayAtCentre(ctx)
    let doc: OutgoingDocument
    let csv: string | undefined
    if (kind === 'letter.pdf') {
      if (entry.status !== 'refused')
        throw new HavenError('not_found', 'a refusal letter exists only for a refused request')
      doc = refusalLetter({
        centreName: centre.name,
        recipientName: entry.recipientName,
        familyReference: family.reference,
        category: entry.category,
        purpose: entry.purpose,
        requestedOn: ukDateOf(entry.requestedAt),
        clauses: entry.decisionClauses,
        reasons: entry.decisionReasons,
        issuedOn,
        registerId: entry.id,
        policyAddress: `${ctx.publicUrl}/centres/${centre.slug}/policy`,
      })
    } else {
      const what = entry.releasedWhat
      if (entry.status !== 'released' || what?.kind !== 'attendance_statement')
        throw new HavenError('not_found', 'a statement exists only for released attendance')
      const lines = what.lines as AttendanceLine[]
      if (kind === 'statement.csv') csv = attendanceCsv(lines)
      doc = attendanceStatement({
        centreName: centre.name,
        familyReference: family.reference,
        recipientName: entry.recipientName,
        period: { from: entry.periodFrom ?? issuedOn, to: entry.periodTo ?? issuedOn },
        lines,
        issuedOn: ukDateOf(entry.releasedAt ?? entry.requestedAt),
        registerId: entry.id,
      })
    }
    await recordEvent(trx, {
      type: 'disclosure.downloaded',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: entry.id,
      details: { familyId: entry.familyId, document: kind },
    })
    const base = `${kind.startsWith('letter') ? 'refusal' : 'attendance'}-${family.reference}-${entry.id.slice(0, 8)}`
    if (csv !== undefined)
      return {
        fileName: `${base}.csv`,
        contentType: 'text/csv; charset=utf-8',
        body: new TextEncoder().encode(csv),
      }
    return {
      fileName: `${base}.pdf`,
      contentType: 'application/pdf',
      body: await renderPdf(doc, { centreName: centre.name, createdAt: ctx.now() }),
    }
  })
}
