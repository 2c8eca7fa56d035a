import { ukDateOf } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import { disposalCertificateDocument } from '../domain/outward/documents.ts'
import { categoryWords, roleWords } from '../domain/policy/words.ts'
import { findCentre } from '../storage/centres.ts'
import type { Db } from '../storage/database.ts'
import {
  findDisposalRun,
  listDisposalItems,
  listDisposalRuns as listStoredRuns,
  type StoredDisposalItem,
  type StoredDisposalRun,
} from '../storage/disposal-runs.ts'
import { findFamily, setFamilyLegalHold } from '../storage/families.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import type { DisposalCertificate } from './disposal-execution.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { renderPdf } from './pdf.ts'
import { requireAbility } from './policy-access.ts'

export interface DisposalRunView {
  id: string
  asOf: string
  status: string
  policyVersion: number
  isAutomatic: boolean
  plannedAt: string
  approved: { by: string | null; role: string | null; at: string } | null
  completedAt: string | null
  certificate: Record<string, unknown> | null
}

async function assertReader(ctx: AppContext, actor: Actor): Promise<void> {
  await requireAbility(ctx, actor, 'read_disposals')
}

const runView = (run: StoredDisposalRun): DisposalRunView => ({
  id: run.id,
  asOf: run.asOf,
  status:
    run.status === 'awaiting_approval' && run.approvedAt !== undefined ? 'in_progress' : run.status,
  policyVersion: run.policyVersion,
  isAutomatic: run.isAutomatic,
  plannedAt: run.plannedAt,
  approved:
    run.approvedAt === undefined
      ? null
      : { by: run.approvedBy ?? null, role: run.approvedRole ?? null, at: run.approvedAt },
  completedAt: run.completedAt ?? null,
  certificate: run.certificate ?? null,
})

/** The centre's disposal runs, newest first (RETAIN): for the coordinator and the committee. */
export async function listDisposalRuns(ctx: AppContext, actor: Actor): Promise<DisposalRunView[]> {
  await assertReader(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) =>
    (await listStoredRuns(trx, actor.centreId, 100)).map(runView),
  )
}

/**
 * One run and a page of its items: what is due, family by family (ids, dates and counts by
 * category; the coordinator opens a family to see who it is, as the policy lets them).
 */
export async function readDisposalRun(
  ctx: AppContext,
  actor: Actor,
  runId: string,
  page: { afterId: string; limit: number },
): Promise<DisposalRunView & { items: StoredDisposalItem[] }> {
  await assertReader(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const run = await runOf(trx, actor, runId)
    const items = await listDisposalItems(trx, actor.centreId, runId, page)
    return { ...runView(run), items }
  })
}

async function runOf(trx: Db, actor: Actor, runId: string): Promise<StoredDisposalRun> {
  const run = await findDisposalRun(trx, actor.centreId, runId)
  if (!run) throw new HavenError('not_found', 'no such disposal run')
  return run
}

/** A completed run's certificate as PDF: counts, categories, clause, dates, who approved. */
export async function disposalCertificatePdf(
  ctx: AppContext,
  actor: Actor,
  runId: string,
): Promise<{ fileName: string; body: Uint8Array }> {
  await assertReader(ctx, actor)
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const run = await runOf(trx, actor, runId)
    const centre = await findCentre(trx, actor.centreId)
    if (run.status !== 'completed' || run.certificate === undefined || !centre)
      throw new HavenError('not_found', 'a certificate exists once a run is completed')
    const c = run.certificate as unknown as DisposalCertificate
    await recordEvent(trx, {
      type: 'document.downloaded',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: runId,
      details: { document: 'disposal_certificate' },
    })
    const doc = disposalCertificateDocument({
      centreName: centre.name,
      runId,
      policyVersion: c.policyVersion,
      asOf: c.asOf,
      completedOn: ukDateOf(c.completedAt),
      approvedBy:
        c.approvedBy === 'automatic'
          ? 'the policy (automatic disposal)'
          : roleWords(c.approvedBy.role),
      families: c.families,
      standaloneRecords: c.standaloneRecords,
      destroyed: c.destroyed,
      kept: c.kept,
      skipped: c.skipped,
      categoryWords,
    })
    return {
      fileName: `disposal-certificate-${c.asOf}-${runId.slice(0, 8)}.pdf`,
      body: await renderPdf(doc, { centreName: centre.name, createdAt: ctx.now() }),
    }
  })
}

/**
 * Puts a family on legal hold, or lifts it (RETAIN): while held, nothing of it is destroyed,
 * whatever its age. The coordinator or the committee, with a reason.
 */
export async function setLegalHold(
  ctx: AppContext,
  actor: Actor,
  familyId: string,
  input: { isOnHold: boolean; reason?: string | undefined },
): Promise<{ isOnHold: boolean }> {
  await assertReader(ctx, actor)
  if (input.isOnHold && (input.reason ?? '').trim() === '')
    throw new HavenError('invalid_input', 'say why the family is held', 'reason')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const family = await findFamily(trx, actor.centreId, familyId)
    if (!family || family.disposedOn !== undefined)
      throw new HavenError('not_found', 'no such family')
    await setFamilyLegalHold(
      trx,
      actor.centreId,
      familyId,
      input.isOnHold ? (input.reason ?? '').trim() : undefined,
    )
    await recordEvent(trx, {
      type: 'family.legal_hold',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: familyId,
      details: { isOnHold: input.isOnHold },
    })
    return { isOnHold: input.isOnHold }
  })
}
