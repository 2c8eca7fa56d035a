import type { Db } from './database.ts'

/** An assessment on the premises and its agreement (ASSESS). */
export interface StoredAssessment {
  id: string
  centreId: string
  familyId: string
  assessor: string
  place: string
  startsAt: string
  approvedBy: string | undefined
  approvedRole: string | undefined
  approvedAt: string | undefined
  bookedAt: string | undefined
  createdBy: string | undefined
  createdAt: string
  version: number
}

export async function insertAssessment(db: Db, a: StoredAssessment): Promise<void> {
  await db
    .insertInto('assessments')
    .values({
      id: a.id,
      centre_id: a.centreId,
      family_id: a.familyId,
      assessor: a.assessor,
      place: a.place,
      starts_at: a.startsAt,
      approved_by: null,
      approved_role: null,
      approved_at: null,
      booked_at: null,
      created_by: a.createdBy ?? null,
      created_at: a.createdAt,
      version: 1,
    })
    .execute()
}

export async function findAssessment(
  db: Db,
  centreId: string,
  id: string,
): Promise<StoredAssessment | undefined> {
  const row = await db
    .selectFrom('assessments')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .executeTakeFirst()
  return (
    row && {
      id: row.id,
      centreId: row.centre_id,
      familyId: row.family_id,
      assessor: row.assessor,
      place: row.place,
      startsAt: row.starts_at,
      approvedBy: row.approved_by ?? undefined,
      approvedRole: row.approved_role ?? undefined,
      approvedAt: row.approved_at ?? undefined,
      bookedAt: row.booked_at ?? undefined,
      createdBy: row.created_by ?? undefined,
      createdAt: row.created_at,
      version: row.version,
    }
  )
}

export async function approveAssessment(
  db: Db,
  centreId: string,
  id: string,
  approval: { by: string; role: string; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('assessments')
    .set((eb) => ({
      approved_by: approval.by,
      approved_role: approval.role,
      approved_at: approval.at,
      version: eb('version', '+', 1),
    }))
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .where('approved_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function markAssessmentBooked(
  db: Db,
  centreId: string,
  id: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('assessments')
    .set((eb) => ({ booked_at: at, version: eb('version', '+', 1) }))
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .where('booked_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}
