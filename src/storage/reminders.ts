import type { Db } from './database.ts'

/** The last day a kind of reminder was worked out for at a centre; undefined if never. */
export async function lastReminderDay(
  db: Db,
  centreId: string,
  kind: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('reminder_days')
    .select('day')
    .where('centre_id', '=', centreId)
    .where('kind', '=', kind)
    .orderBy('day', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.day
}

/** Marks days as worked out; a day already marked stays as it was. */
export async function markReminderDays(
  db: Db,
  centreId: string,
  kind: string,
  days: readonly string[],
  at: string,
): Promise<void> {
  if (days.length === 0) return
  await db
    .insertInto('reminder_days')
    .values(days.map((day) => ({ centre_id: centreId, kind, day, done_at: at })))
    .onConflict((oc) => oc.columns(['centre_id', 'kind', 'day']).doNothing())
    .execute()
}
