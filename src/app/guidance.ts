import { HavenError } from '../domain/errors.ts'
import { familyReferences, findFamily, touchFamily } from '../storage/families.ts'
import {
  answerGuidanceRequest,
  insertGuidanceRequest,
  isGuidanceRequest,
  listGuidanceRequests,
} from '../storage/guidance.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { notifyRoles } from './incidents.ts'
import { decide, hasAbility, policyActor, policyInForce, refusal } from './policy-access.ts'

export interface GuidanceView {
  id: string
  familyId: string | null
  /** The family's reference, when the question is about a family. */
  familyReference: string | null
  question: string
  answer: string | null
  askedAt: string
  answeredAt: string | null
  isMine: boolean
}

/**
 * A worker asks the coordinator for guidance inside Haven, linked to the family, never by
 * e-mail (GUIDE). Those the policy names to answer are told that a question waits.
 */
export async function askGuidance(
  ctx: AppContext,
  actor: Actor,
  input: { familyId?: string | undefined; question: string },
): Promise<{ id: string }> {
  if (input.question.trim() === '')
    throw new HavenError('invalid_input', 'ask a question', 'question')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const decision = decide(policy, { action: 'ask_guidance', actor: policyActor(actor, 'none') })
    if (decision.effect === 'deny') throw refusal(decision)
    if (input.familyId !== undefined && !(await findFamily(trx, actor.centreId, input.familyId)))
      throw new HavenError('invalid_input', 'no such family', 'familyId')
    const id = ctx.newId()
    await insertGuidanceRequest(trx, {
      id,
      centreId: actor.centreId,
      familyId: input.familyId,
      askedBy: actor.accountId,
      question: input.question.trim(),
      answer: undefined,
      answeredBy: undefined,
      createdAt: ctx.now().toISOString(),
      answeredAt: undefined,
      version: 1,
    })
    if (input.familyId !== undefined)
      await touchFamily(trx, actor.centreId, input.familyId, ctx.now().toISOString())
    await recordEvent(trx, {
      type: 'guidance.asked',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
      details: { familyId: input.familyId ?? null, clauses: decision.clauses },
    })
    for (const obligation of decision.obligations)
      if (obligation.kind === 'notify')
        await notifyRoles(ctx, trx, actor.centreId, obligation.roles)
    return { id }
  })
}

/** Guidance requests: all of them for those who answer; a worker's own otherwise (GUIDE). */
export async function listGuidance(ctx: AppContext, actor: Actor): Promise<GuidanceView[]> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const resource = { type: 'guidance_request' as const }
    const all = decide(policy, { action: 'read', actor: policyActor(actor, 'none'), resource })
    const own = decide(policy, { action: 'read', actor: policyActor(actor, 'author'), resource })
    if (
      all.effect === 'deny' &&
      (own.effect === 'deny' ||
        decide(policy, { action: 'ask_guidance', actor: policyActor(actor, 'none') }).effect ===
          'deny')
    )
      throw new HavenError(
        'forbidden',
        'guidance requests are for the workers who ask and those who answer',
      )
    const rows = await listGuidanceRequests(trx, actor.centreId, {
      ...(all.effect === 'permit' ? {} : { askedBy: actor.accountId }),
      limit: 500,
    })
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: 'guidance_request', count: rows.length },
    })
    const references = await familyReferences(
      trx,
      actor.centreId,
      rows.flatMap((row) => (row.familyId === undefined ? [] : [row.familyId])),
    )
    return rows.map((row) => ({
      id: row.id,
      familyId: row.familyId ?? null,
      familyReference: row.familyId === undefined ? null : (references.get(row.familyId) ?? null),
      question: row.question,
      answer: row.answer ?? null,
      askedAt: row.createdAt,
      answeredAt: row.answeredAt ?? null,
      isMine: row.askedBy === actor.accountId,
    }))
  })
}

/** The coordinator (or whoever the policy names) answers; a request is answered once. */
export async function answerGuidance(
  ctx: AppContext,
  actor: Actor,
  id: string,
  answer: string,
): Promise<void> {
  if (answer.trim() === '') throw new HavenError('invalid_input', 'give an answer', 'answer')
  await inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    if (!hasAbility(policy, actor, 'answer_guidance'))
      throw new HavenError(
        'forbidden',
        'guidance is answered by the roles the policy names',
        undefined,
        ['GUIDE'],
      )
    const isAnswered = await answerGuidanceRequest(trx, actor.centreId, id, {
      text: answer.trim(),
      by: actor.accountId,
      at: ctx.now().toISOString(),
    })
    if (!isAnswered)
      throw (await isGuidanceRequest(trx, actor.centreId, id))
        ? new HavenError('conflict', 'this request has been answered already')
        : new HavenError('not_found', 'no such guidance request')
    await recordEvent(trx, {
      type: 'guidance.answered',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
    })
  })
}
