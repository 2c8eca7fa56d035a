import { appendAuditEntries, appendAuditEntry, type NewAuditEntry } from '../storage/audit-log.ts'
import type { Db } from '../storage/database.ts'
import type { Actor } from './actor.ts'
import type { AppContext } from './context.ts'

/**
 * Security and record events for the audit log, written inside the action's transaction.
 * Details are ids, codes and counts: never passwords, codes, tokens or personal data.
 */
export type AuditType =
  | 'centre.created'
  | 'centre.closed'
  | 'centre.reopened'
  | 'centre.exported'
  | 'centre.export_refused'
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
  | 'referral.changed'
  | 'records.imported'
  | 'record.read'
  | 'records.listed'
  | 'statistics.read'
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
  | 'room.renamed'
  | 'agency.added'
  | 'agency.changed'
  | 'person.added'
  | 'centre.stagger_changed'
  | 'centre.listing_changed'
  | 'checks.renewal_reminder'
  | 'message.retried'
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
  | 'disposal.family_kept'
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
  const entry = {
    centreId: event.centreId,
    at: event.at.toISOString(),
    type: event.type,
    actorId: event.actorId,
    subjectId: event.subjectId,
    details: event.details ?? {},
  }
  const deferred = DEFERRED.get(trx)
  if (deferred) deferred.push(entry)
  else await appendAuditEntry(trx, entry)
}

/** The entries of a read transaction, held back until it has read (src/app/in-centre.ts). */
const DEFERRED = new WeakMap<Db, NewAuditEntry[]>()

/** From now on, what is recorded in this transaction is held back, not written in it. */
export function deferAuditOf(trx: Db): NewAuditEntry[] {
  const entries: NewAuditEntry[] = []
  DEFERRED.set(trx, entries)
  return entries
}

/**
 * Runs parts of one read transaction at once, each on its own handle of the same transaction
 * whose entries are held back apart; once every part has finished, their entries join the
 * transaction's in the order the parts were given, whatever order they finished in. Every part
 * is waited for even when one fails, so none is still reading when the transaction ends; the
 * first failure (in the parts' order) is then thrown. Outside a held-back read, one at a time.
 */
export async function deferredTogether<T>(
  trx: Db,
  parts: readonly ((part: Db) => Promise<T>)[],
): Promise<T[]> {
  const into = DEFERRED.get(trx)
  if (!into) {
    const results: T[] = []
    for (const part of parts) results.push(await part(trx))
    return results
  }
  const handles = parts.map(() => trx.withoutPlugins())
  const entries = handles.map((handle) => deferAuditOf(handle))
  // Each started in its own async call, so one that throws at once cannot leave the rest
  // running unwatched.
  const settled = await Promise.allSettled(parts.map(async (part, i) => part(handles[i] ?? trx)))
  for (const each of entries) into.push(...each)
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed) throw failed.reason
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value)
}

/**
 * Writes held-back entries, together with those of every other read waiting at the moment
 * (group commit): while one batch commits, the next gathers, so fifty reads at once cost a
 * few commits, not fifty. Resolves when these entries are committed; rejects, and the read
 * fails, when they could not be.
 */
export async function writeDeferredAudit(
  ctx: AppContext,
  entries: readonly NewAuditEntry[],
): Promise<void> {
  if (entries.length === 0) return
  let writer = WRITERS.get(ctx.db)
  if (!writer) {
    writer = new AuditWriter(ctx.db)
    WRITERS.set(ctx.db, writer)
  }
  await writer.write(entries)
}

const WRITERS = new WeakMap<Db, AuditWriter>()

/** At most this many entries in one commit; more wait for the next. */
const BATCH_LIMIT = 500
/** PostgreSQL's answers that mean "try the same transaction again". */
const RETRYABLE = new Set(['40001', '40P01'])

interface Waiting {
  entries: readonly NewAuditEntry[]
  done: () => void
  failed: (error: unknown) => void
}

class AuditWriter {
  readonly #db: Db
  #queue: Waiting[] = []
  #running = false

  constructor(db: Db) {
    this.#db = db
  }

  write(entries: readonly NewAuditEntry[]): Promise<void> {
    return new Promise<void>((done, failed) => {
      this.#queue.push({ entries, done, failed })
      if (!this.#running) void this.#drain()
    })
  }

  async #drain(): Promise<void> {
    this.#running = true
    try {
      while (this.#queue.length > 0) {
        const batch: Waiting[] = []
        let size = 0
        while (this.#queue.length > 0 && (batch.length === 0 || size < BATCH_LIMIT)) {
          const next = this.#queue.shift()
          if (!next) break
          batch.push(next)
          size += next.entries.length
        }
        try {
          await this.#commit(batch.flatMap((w) => w.entries))
          for (const w of batch) w.done()
        } catch (error) {
          for (const w of batch) w.failed(error)
        }
      }
    } finally {
      this.#running = false
    }
  }

  async #commit(entries: NewAuditEntry[]): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#db.transaction().execute((trx) => appendAuditEntries(trx, entries))
        return
      } catch (error) {
        const code = (error as { code?: unknown }).code
        if (attempt >= 5 || typeof code !== 'string' || !RETRYABLE.has(code)) throw error
      }
    }
  }
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
