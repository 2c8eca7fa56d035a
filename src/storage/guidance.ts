import type { Db } from './database.ts'

export interface StoredGuidanceRequest {
  id: string
  centreId: string
  familyId: string | undefined
  askedBy: string
  question: string
  answer: string | undefined
  answeredBy: string | undefined
  createdAt: string
  answeredAt: string | undefined
  version: number
}

export async function insertGuidanceRequest(db: Db, request: StoredGuidanceRequest): Promise<void> {
  await db
    .insertInto('guidance_requests')
    .values({
      id: request.id,
      centre_id: request.centreId,
      family_id: request.familyId ?? null,
      asked_by: request.askedBy,
      question: request.question,
      answer: null,
      answered_by: null,
      created_at: request.createdAt,
      answered_at: null,
      version: 1,
    })
    .execute()
}

export async function listGuidanceRequests(
  db: Db,
  centreId: string,
  options: { askedBy?: string; limit: number },
): Promise<StoredGuidanceRequest[]> {
  let query = db.selectFrom('guidance_requests').selectAll().where('centre_id', '=', centreId)
  if (options.askedBy !== undefined) query = query.where('asked_by', '=', options.askedBy)
  const rows = await query.orderBy('created_at', 'desc').limit(options.limit).execute()
  return rows.map((row) => ({
    id: row.id,
    centreId: row.centre_id,
    familyId: row.family_id ?? undefined,
    askedBy: row.asked_by,
    question: row.question,
    answer: row.answer ?? undefined,
    answeredBy: row.answered_by ?? undefined,
    createdAt: row.created_at,
    answeredAt: row.answered_at ?? undefined,
    version: row.version,
  }))
}

/** Answers a request not yet answered; false when it was answered first by someone else. */
export async function answerGuidanceRequest(
  db: Db,
  centreId: string,
  id: string,
  answer: { text: string; by: string; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('guidance_requests')
    .set((eb) => ({
      answer: answer.text,
      answered_by: answer.by,
      answered_at: answer.at,
      version: eb('version', '+', 1),
    }))
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .where('answer', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function isGuidanceRequest(db: Db, centreId: string, id: string): Promise<boolean> {
  const row = await db
    .selectFrom('guidance_requests')
    .select('id')
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row !== undefined
}
