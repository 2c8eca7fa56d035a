import type { Kysely } from 'kysely'

/**
 * A subject access request received outside Haven (a letter, a phone call, an e-mail, in
 * person at the centre) is recorded by the coordinator with how it came and a note: the
 * statutory month runs from the day it was received, not the day it was typed in. Both are
 * empty for a request made in Haven by the subject (their account is the channel).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('subject_access_requests').addColumn('received_via', 'text').execute()
  await db.schema.alterTable('subject_access_requests').addColumn('note', 'text').execute()
}
