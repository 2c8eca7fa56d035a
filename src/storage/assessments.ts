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
  return row && toAssessment(row)
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

/** Agreements not yet approved, soonest first (the approvers' list). */
export async function listUnapprovedAssessments(
  db: Db,
  centreId: string,
): Promise<StoredAssessment[]> {
  const rows = await db
    .selectFrom('assessments')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('approved_at', 'is', null)
    .orderBy('starts_at')
    .limit(500)
    .execute()
  return rows.map(toAssessment)
}

function toAssessment(row: {
  id: string
  centre_id: string
  family_id: string
  assessor: string
  place: string
  starts_at: string
  approved_by: string | null
  approved_role: string | null
  approved_at: string | null
  booked_at: string | null
  created_by: string | null
  created_at: string
  version: number
}): StoredAssessment {
  return {
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
}
