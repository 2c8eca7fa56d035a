import { isRole, type Role } from '../domain/roles.ts'
import { isLocalDateTime } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import { roleActingFor } from '../domain/policy/abilities.ts'
import {
  approveAssessment as storeApproval,
  findAssessment,
  insertAssessment,
  listUnapprovedAssessments,
  markAssessmentBooked,
} from '../storage/assessments.ts'
import { familyReferences, findFamily } from '../storage/families.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { decide, policyActor, policyInForce, requireAbility } from './policy-access.ts'

/**
 * Assessments on the premises (ASSESS): a professional coming in to assess a family in the
 * place the policy restricts (the premises; the contact rooms only at Birmingham) needs an
 * agreement approved by the role the policy names (the coordinator; a member of the
 * management team at Birmingham). Without it the booking is refused, citing the clause.
 */
export async function proposeAssessment(
  ctx: AppContext,
  actor: Actor,
  input: {
    familyId: string
    assessor: string
    place: 'premises' | 'contact_rooms'
    startsAt: string
  },
): Promise<{ id: string }> {
  await requireAbility(ctx, actor, 'arrange_assessments')
  if (!isLocalDateTime(input.startsAt))
    throw new HavenError('invalid_input', 'startsAt is YYYY-MM-DDTHH:MM', 'startsAt')
  return inCentre(ctx, actor.centreId, async (trx) => {
    if (!(await findFamily(trx, actor.centreId, input.familyId)))
      throw new HavenError('invalid_input', 'no such family', 'familyId')
    const id = ctx.newId()
    await insertAssessment(trx, {
      id,
      centreId: actor.centreId,
      familyId: input.familyId,
      assessor: input.assessor,
      place: input.place,
      startsAt: input.startsAt,
      approvedBy: undefined,
      approvedRole: undefined,
      approvedAt: undefined,
      bookedAt: undefined,
      createdBy: actor.accountId,
      createdAt: ctx.now().toISOString(),
      version: 1,
    })
    await recordEvent(trx, {
      type: 'assessment.proposed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
      details: { familyId: input.familyId, place: input.place },
    })
    return { id }
  })
}

/** Approves the agreement: only someone holding a role the policy names. */
export async function approveAssessment(ctx: AppContext, actor: Actor, id: string): Promise<void> {
  await inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await requireAbility(ctx, actor, 'approve_assessments', trx)
    const role = roleActingFor('approve_assessments', policy.parameters, actor.roles)
    if (role === undefined) throw new HavenError('internal', 'an approver without a role')
    if (!(await findAssessment(trx, actor.centreId, id)))
      throw new HavenError('not_found', 'no such assessment')
    if (
      !(await storeApproval(trx, actor.centreId, id, {
        by: actor.accountId,
        role,
        at: ctx.now().toISOString(),
      }))
    )
      throw new HavenError('conflict', 'this agreement is approved already')
    await recordEvent(trx, {
      type: 'assessment.approved',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
      details: { role },
    })
  })
}

/** Books the assessment if the engine permits it; a refusal names the clause. */
export async function bookAssessment(
  ctx: AppContext,
  actor: Actor,
  id: string,
): Promise<{ clauses: string[] }> {
  await requireAbility(ctx, actor, 'arrange_assessments')
  const outcome = await inCentre(ctx, actor.centreId, async (trx) => {
    const assessment = await findAssessment(trx, actor.centreId, id)
    if (!assessment) throw new HavenError('not_found', 'no such assessment')
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const place = assessment.place === 'contact_rooms' ? 'contact_rooms' : 'premises'
    const decision = decide(policy, {
      action: 'book_assessment',
      actor: policyActor(actor, 'none'),
      place,
      ...(assessment.approvedRole === undefined
        ? {}
        : { agreement: { approvedBy: policyRoles(assessment.approvedRole), place } }),
    })
    await recordEvent(trx, {
      type: decision.effect === 'permit' ? 'assessment.booked' : 'assessment.refused',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: id,
      details: { clauses: decision.clauses },
    })
    if (decision.effect === 'deny')
      return {
        refused: new HavenError(
          'conflict',
          decision.reasons.join('; '),
          undefined,
          decision.clauses,
        ),
      }
    if (!(await markAssessmentBooked(trx, actor.centreId, id, ctx.now().toISOString())))
      throw new HavenError('conflict', 'this assessment is booked already')
    return { clauses: decision.clauses }
  })
  if ('refused' in outcome) throw outcome.refused
  return outcome
}

/** The role an agreement was approved under, as the engine reads it. */
function policyRoles(role: string): Role[] {
  return isRole(role) ? [role] : []
}

/**
 * Agreements waiting for the approver the policy names (ASSESS): who assesses, where and
 * when, and the family by reference only. Anyone the policy does not name gets nothing.
 */
export async function listAssessmentsToApprove(
  ctx: AppContext,
  actor: Actor,
): Promise<
  { id: string; familyReference: string; assessor: string; place: string; startsAt: string }[]
> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    await requireAbility(ctx, actor, 'approve_assessments', trx)
    const waiting = await listUnapprovedAssessments(trx, actor.centreId)
    const references = await familyReferences(
      trx,
      actor.centreId,
      waiting.map((a) => a.familyId),
    )
    return waiting.map((a) => ({
      id: a.id,
      familyReference: references.get(a.familyId) ?? '',
      assessor: a.assessor,
      place: a.place,
      startsAt: a.startsAt,
    }))
  })
}
