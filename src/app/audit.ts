import { appendAuditEntry } from '../storage/audit-log.ts'
import type { Db } from '../storage/database.ts'
import type { Actor } from './actor.ts'
import type { AppContext } from './context.ts'

/**
 * Security and record events for the audit log, written inside the action's transaction.
 * Details are ids, codes and counts: never passwords, codes, tokens or personal data.
 */
export type AuditType =
  | 'centre.created'
  | 'centre.second_factor_policy'
  | 'policy.published'
  | 'policy.reviewed'
  | 'invitation.created'
  | 'invitation.accepted'
  | 'account.created'
  | 'account.disabled'
  | 'account.enabled'
  | 'role.granted'
  | 'role.revoked'
  | 'sign_in.succeeded'
  | 'sign_in.failed'
  | 'sign_in.throttled'
  | 'second_factor.succeeded'
  | 'second_factor.failed'
  | 'second_factor.enrolled'
  | 'second_factor.replacement_started'
  | 'second_factor.replaced'
  | 'second_factor.reset'
  | 'recovery_codes.replaced'
  | 'invitation.existing_account'
  | 'invitation.answered'
  | 'recovery_code.used'
  | 'password.changed'
  | 'password_reset.requested'
  | 'password_reset.completed'
  | 'password_reset.refused'
  | 'session.ended'
  | 'sessions.ended_all'
  | 'referral.received'
  | 'referral.moved'
  | 'record.read'
  | 'records.listed'
  | 'record.refused'
  | 'contact.revealed'
  | 'contact.reveal_refused'
  | 'family.updated'
  | 'person.account_linked'
  | 'person.corrected'
  | 'session.booked'
  | 'session.closed'
  | 'session.replanned'
  | 'check.recorded'
  | 'worker.assigned'
  | 'worker.assignment_refused'
  | 'acquaintance.declared'
  | 'door.arrived'
  | 'door.departed'
  | 'door.refused'
  | 'incident.recorded'
  | 'room.added'
  | 'centre.stagger_changed'
  | 'centre.listing_changed'
  | 'checks.renewal_reminder'
  | 'guidance.asked'
  | 'guidance.answered'
  | 'policy.acknowledged'
  | 'assessment.proposed'
  | 'assessment.approved'
  | 'assessment.booked'
  | 'assessment.refused'
  | 'consent.given'
  | 'consent.withdrawn'
  | 'disclosure.requested'
  | 'disclosure.released'
  | 'disclosure.refused'
  | 'disclosure.declined'
  | 'disclosure.downloaded'
  | 'subject_access.opened'
  | 'subject_access.changed'
  | 'subject_access.compiled'
  | 'subject_access.released'
  | 'subject_access.completed'
  | 'family.legal_hold'
  | 'disposal.planned'
  | 'document.downloaded'
  | 'disposal.approved'
  | 'disposal.completed'
  | 'disposal.reapplied'
  | 'backup.made'
  | 'backup.restored'

export async function recordEvent(
  trx: Db,
  event: {
    type: AuditType
    at: Date
    centreId?: string | undefined
    actorId?: string | undefined
    subjectId?: string | undefined
    details?: Record<string, unknown>
  },
): Promise<void> {
  await appendAuditEntry(trx, {
    centreId: event.centreId,
    at: event.at.toISOString(),
    type: event.type,
    actorId: event.actorId,
    subjectId: event.subjectId,
    details: event.details ?? {},
  })
}

/** An event an actor caused, about one record, now: the common case of `recordEvent`. */
export async function recordActorEvent(
  ctx: AppContext,
  trx: Db,
  actor: Actor,
  type: AuditType,
  subjectId: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await recordEvent(trx, {
    type,
    at: ctx.now(),
    centreId: actor.centreId,
    actorId: actor.accountId,
    subjectId,
    details,
  })
}
