import type { Db } from './database.ts'

/**
 * Records that a check's files were imported; false when they were already (the check's id
 * taken). Called in the import's transaction under the centre's lock, so two imports of one
 * check cannot both find it unused.
 */
export async function markCheckImported(
  db: Db,
  centreId: string,
  checkId: string,
  at: string,
): Promise<boolean> {
  const taken = await db
    .selectFrom('import_checks')
    .select('check_id')
    .where('centre_id', '=', centreId)
    .where('check_id', '=', checkId)
    .executeTakeFirst()
  if (taken) return false
  await db
    .insertInto('import_checks')
    .values({ centre_id: centreId, check_id: checkId, imported_at: at })
    .execute()
  return true
}
