import type { Db } from './database.ts'

/** The centre's sealed search key, or undefined before its first family is indexed. */
export async function findSearchKey(db: Db, centreId: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('search_keys')
    .select('sealed_key')
    .where('centre_id', '=', centreId)
    .executeTakeFirst()
  return row?.sealed_key
}

/**
 * Keeps a new sealed key unless the centre has one already (two first writers at once keep
 * the first); returns the key in force.
 */
export async function insertSearchKey(
  db: Db,
  centreId: string,
  sealedKey: string,
  at: string,
): Promise<string> {
  await db
    .insertInto('search_keys')
    .values({ centre_id: centreId, sealed_key: sealedKey, created_at: at })
    .onConflict((oc) => oc.column('centre_id').doNothing())
    .execute()
  return (await findSearchKey(db, centreId)) ?? sealedKey
}

/** Replaces a family's terms with these (already keyed) and marks it indexed. */
export async function replaceFamilyTerms(
  db: Db,
  centreId: string,
  familyId: string,
  terms: readonly string[],
  at: string,
): Promise<void> {
  await db
    .deleteFrom('family_search_terms')
    .where('centre_id', '=', centreId)
    .where('family_id', '=', familyId)
    .execute()
  const unique = [...new Set(terms)]
  for (let i = 0; i < unique.length; i += 200)
    await db
      .insertInto('family_search_terms')
      .values(
        unique
          .slice(i, i + 200)
          .map((term) => ({ centre_id: centreId, family_id: familyId, term })),
      )
      .execute()
  await db
    .updateTable('families')
    .set({ search_indexed_at: at })
    .where('centre_id', '=', centreId)
    .where('id', '=', familyId)
    .execute()
}

/**
 * The families that match every part of a search, each part being any of its keyed terms;
 * at most `limit`, in reference order.
 */
export async function familiesMatching(
  db: Db,
  centreId: string,
  parts: readonly (readonly string[])[],
  limit: number,
): Promise<string[]> {
  if (parts.length === 0) return []
  let query = db
    .selectFrom('families')
    .select('families.id')
    .where('families.centre_id', '=', centreId)
  for (const part of parts)
    query = query.where('families.id', 'in', (eb) =>
      eb
        .selectFrom('family_search_terms')
        .select('family_id')
        .where('centre_id', '=', centreId)
        .where('term', 'in', [...part]),
    )
  const rows = await query.orderBy('families.reference').limit(limit).execute()
  return rows.map((r) => r.id)
}

/** Families of a centre not yet indexed (held before migration 0015), a batch at a time. */
export async function familiesNotIndexed(
  db: Db,
  limit: number,
): Promise<{ id: string; centreId: string }[]> {
  const rows = await db
    .selectFrom('families')
    .select(['id', 'centre_id'])
    .where('search_indexed_at', 'is', null)
    .where('disposed_on', 'is', null)
    .limit(limit)
    .execute()
  return rows.map((r) => ({ id: r.id, centreId: r.centre_id }))
}
