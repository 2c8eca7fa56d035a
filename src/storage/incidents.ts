import type { Db } from './database.ts'

/** An entry of the accident book, an incident, a safeguarding concern or a door override. */
export interface StoredIncident {
  id: string
  centreId: string
  kind: string
  familyId: string | undefined
  sessionId: string | undefined
  occurredAt: string
  summary: string
  raisedBy: string | undefined
  createdAt: string
}

export async function insertIncident(db: Db, incident: StoredIncident): Promise<void> {
  await db
    .insertInto('incidents')
    .values({
      id: incident.id,
      centre_id: incident.centreId,
      kind: incident.kind,
      family_id: incident.familyId ?? null,
      session_id: incident.sessionId ?? null,
      occurred_at: incident.occurredAt,
      summary: incident.summary,
      raised_by: incident.raisedBy ?? null,
      created_at: incident.createdAt,
    })
    .execute()
}

export async function listIncidents(
  db: Db,
  centreId: string,
  options: { kinds: readonly string[]; raisedBy?: string; limit: number },
): Promise<StoredIncident[]> {
  if (options.kinds.length === 0) return []
  let query = db
    .selectFrom('incidents')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('kind', 'in', [...options.kinds])
  if (options.raisedBy !== undefined) query = query.where('raised_by', '=', options.raisedBy)
  const rows = await query.orderBy('occurred_at', 'desc').limit(options.limit).execute()
  return rows.map((row) => ({
    id: row.id,
    centreId: row.centre_id,
    kind: row.kind,
    familyId: row.family_id ?? undefined,
    sessionId: row.session_id ?? undefined,
    occurredAt: row.occurred_at,
    summary: row.summary,
    raisedBy: row.raised_by ?? undefined,
    createdAt: row.created_at,
  }))
}

/** One entry, by id, within the centre. */
export async function findIncident(
  db: Db,
  centreId: string,
  id: string,
): Promise<{ id: string; kind: string; familyId: string | undefined } | undefined> {
  const row = await db
    .selectFrom('incidents')
    .select(['id', 'kind', 'family_id'])
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && { id: row.id, kind: row.kind, familyId: row.family_id ?? undefined }
}
