import type { Db } from './database.ts'

export async function findKeyCheck(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('key_check')
    .select('wrapped_check')
    .where('id', '=', 1)
    .executeTakeFirst()
  return row?.wrapped_check
}

/** Stores the key check once; a second writer's row is ignored, never replaces the first. */
export async function insertKeyCheck(
  db: Db,
  wrappedCheck: string,
  createdAt: string,
): Promise<void> {
  await db
    .insertInto('key_check')
    .values({ id: 1, wrapped_check: wrappedCheck, created_at: createdAt })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute()
}
