import type { Selectable } from 'kysely'
import type { Db } from './database.ts'
import type { SubjectAccessRequestRow } from './schema-outward.ts'

/** A subject access request (SAR): received, identity, extension, its pauses. */
export interface StoredSubjectAccessRequest {
  id: string
  centreId: string
  familyId: string
  personId: string
  requestedBy: string | undefined
  receivedOn: string
  identityStatus: 'awaiting' | 'verified'
  identityMethod: string | undefined
  identityCheckedBy: string | undefined
  identityCheckedOn: string | undefined
  extensionMonths: number
  extensionReason: string | undefined
  status: 'open' | 'completed'
  completedOn: string | undefined
  completedBy: string | undefined
  createdAt: string
  version: number
  /** How a request made outside Haven came (letter, phone, email, in_person). */
  receivedVia?: string | undefined
  /** The note of whoever recorded it. */
  note?: string | undefined
}

export interface StoredPause {
  id: string
  requestId: string
  reason: 'identity' | 'clarification'
  fromOn: string
  toOn: string | undefined
}

export async function insertSubjectAccessRequest(
  db: Db,
  r: StoredSubjectAccessRequest,
): Promise<void> {
  await db
    .insertInto('subject_access_requests')
    .values({
      id: r.id,
      centre_id: r.centreId,
      family_id: r.familyId,
      person_id: r.personId,
      requested_by: r.requestedBy ?? null,
      received_on: r.receivedOn,
      identity_status: r.identityStatus,
      identity_method: r.identityMethod ?? null,
      identity_checked_by: r.identityCheckedBy ?? null,
      identity_checked_on: r.identityCheckedOn ?? null,
      extension_months: r.extensionMonths,
      extension_reason: r.extensionReason ?? null,
      status: r.status,
      completed_on: r.completedOn ?? null,
      completed_by: r.completedBy ?? null,
      created_at: r.createdAt,
      version: r.version,
      received_via: r.receivedVia ?? null,
      note: r.note ?? null,
    })
    .execute()
}

/** Changes a request from the version the caller read; false when someone else changed it first. */
export async function updateSubjectAccessRequest(
  db: Db,
  r: { centreId: string; id: string; version: number },
  change: Partial<
    Pick<
      StoredSubjectAccessRequest,
      | 'identityStatus'
      | 'identityMethod'
      | 'identityCheckedBy'
      | 'identityCheckedOn'
      | 'extensionMonths'
      | 'extensionReason'
      | 'status'
      | 'completedOn'
      | 'completedBy'
    >
  >,
): Promise<boolean> {
  const set: Record<string, unknown> = {}
  if (change.identityStatus !== undefined) set.identity_status = change.identityStatus
  if (change.identityMethod !== undefined) set.identity_method = change.identityMethod
  if (change.identityCheckedBy !== undefined) set.identity_checked_by = change.identityCheckedBy
  if (change.identityCheckedOn !== undefined) set.identity_checked_on = change.identityCheckedOn
  if (change.extensionMonths !== undefined) set.extension_months = change.extensionMonths
  if (change.extensionReason !== undefined) set.extension_reason = change.extensionReason
  if (change.status !== undefined) set.status = change.status
  if (change.completedOn !== undefined) set.completed_on = change.completedOn
  if (change.completedBy !== undefined) set.completed_by = change.completedBy
  const result = await db
    .updateTable('subject_access_requests')
    .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
    .where('centre_id', '=', r.centreId)
    .where('id', '=', r.id)
    .where('version', '=', r.version)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function findSubjectAccessRequest(
  db: Db,
  centreId: string,
  id: string,
): Promise<StoredSubjectAccessRequest | undefined> {
  const row = await db
    .selectFrom('subject_access_requests')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && toRequest(row)
}

export async function listSubjectAccessRequests(
  db: Db,
  centreId: string,
  filter: {
    status?: 'open' | 'completed'
    personIds?: readonly string[]
    /** A page of answered requests, the latest answered first. */
    page?: { limit: number; offset: number }
  },
): Promise<StoredSubjectAccessRequest[]> {
  if (filter.personIds?.length === 0) return []
  let query = db.selectFrom('subject_access_requests').selectAll().where('centre_id', '=', centreId)
  if (filter.status !== undefined) query = query.where('status', '=', filter.status)
  if (filter.personIds) query = query.where('person_id', 'in', [...filter.personIds])
  if (filter.page)
    return (
      await query
        .orderBy('completed_on', 'desc')
        .orderBy('received_on', 'desc')
        .orderBy('id')
        .limit(filter.page.limit)
        .offset(filter.page.offset)
        .execute()
    ).map(toRequest)
  return (await query.orderBy('received_on').orderBy('id').limit(1000).execute()).map(toRequest)
}

export async function insertPause(
  db: Db,
  pause: StoredPause & { centreId: string },
): Promise<void> {
  await db
    .insertInto('subject_access_pauses')
    .values({
      id: pause.id,
      centre_id: pause.centreId,
      request_id: pause.requestId,
      reason: pause.reason,
      from_on: pause.fromOn,
      to_on: pause.toOn ?? null,
    })
    .execute()
}

/** Ends the open pause of this kind, if any: false when there was none. */
export async function endPause(
  db: Db,
  centreId: string,
  requestId: string,
  reason: 'identity' | 'clarification',
  on: string,
): Promise<boolean> {
  const result = await db
    .updateTable('subject_access_pauses')
    .set({ to_on: on })
    .where('centre_id', '=', centreId)
    .where('request_id', '=', requestId)
    .where('reason', '=', reason)
    .where('to_on', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows > 0n
}

export async function listPauses(
  db: Db,
  centreId: string,
  requestIds: readonly string[],
): Promise<StoredPause[]> {
  if (requestIds.length === 0) return []
  const rows = await db
    .selectFrom('subject_access_pauses')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('request_id', 'in', [...requestIds])
    .orderBy('from_on')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    requestId: row.request_id,
    reason: row.reason === 'identity' ? 'identity' : 'clarification',
    fromOn: row.from_on,
    toOn: row.to_on ?? undefined,
  }))
}

/** The items withheld from the latest compiled bundle: replaced each time it is compiled. */
export async function replaceWithheldItems(
  db: Db,
  centreId: string,
  requestId: string,
  items: readonly {
    id: string
    item: string
    recordId: string | undefined
    ground: string
    clause: string
  }[],
  at: string,
): Promise<void> {
  await db
    .deleteFrom('subject_access_withheld')
    .where('centre_id', '=', centreId)
    .where('request_id', '=', requestId)
    .execute()
  if (items.length === 0) return
  await db
    .insertInto('subject_access_withheld')
    .values(
      items.map((item) => ({
        id: item.id,
        centre_id: centreId,
        request_id: requestId,
        item: item.item,
        record_id: item.recordId ?? null,
        ground: item.ground,
        clause: item.clause,
        recorded_at: at,
      })),
    )
    .execute()
}

/** A withheld item released after review (SAR): which record, why, by whom and when. */
export interface StoredRelease {
  id: string
  requestId: string
  item: string
  recordId: string
  reason: string
  releasedBy: string
  releasedRoles: string[]
  releasedAt: string
}

export async function insertRelease(
  db: Db,
  centreId: string,
  release: StoredRelease,
): Promise<boolean> {
  const inserted = await db
    .insertInto('subject_access_releases')
    .values({
      id: release.id,
      centre_id: centreId,
      request_id: release.requestId,
      item: release.item,
      record_id: release.recordId,
      reason: release.reason,
      released_by: release.releasedBy,
      released_roles: JSON.stringify(release.releasedRoles),
      released_at: release.releasedAt,
    })
    .onConflict((oc) => oc.columns(['centre_id', 'request_id', 'record_id']).doNothing())
    .executeTakeFirst()
  return Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0
}

export async function listReleases(
  db: Db,
  centreId: string,
  requestId: string,
): Promise<StoredRelease[]> {
  const rows = await db
    .selectFrom('subject_access_releases')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('request_id', '=', requestId)
    .orderBy('released_at')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    requestId: row.request_id,
    item: row.item,
    recordId: row.record_id,
    reason: row.reason,
    releasedBy: row.released_by,
    releasedRoles: JSON.parse(row.released_roles) as string[],
    releasedAt: row.released_at,
  }))
}

export async function listWithheldItems(
  db: Db,
  centreId: string,
  requestId: string,
): Promise<{ item: string; recordId: string | undefined; ground: string; clause: string }[]> {
  const rows = await db
    .selectFrom('subject_access_withheld')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('request_id', '=', requestId)
    .orderBy('item')
    .orderBy('record_id')
    .execute()
  return rows.map((row) => ({
    item: row.item,
    recordId: row.record_id ?? undefined,
    ground: row.ground,
    clause: row.clause,
  }))
}

function toRequest(row: Selectable<SubjectAccessRequestRow>): StoredSubjectAccessRequest {
  return {
    id: row.id,
    centreId: row.centre_id,
    familyId: row.family_id,
    personId: row.person_id,
    requestedBy: row.requested_by ?? undefined,
    receivedOn: row.received_on,
    identityStatus: row.identity_status === 'verified' ? 'verified' : 'awaiting',
    identityMethod: row.identity_method ?? undefined,
    identityCheckedBy: row.identity_checked_by ?? undefined,
    identityCheckedOn: row.identity_checked_on ?? undefined,
    extensionMonths: row.extension_months,
    extensionReason: row.extension_reason ?? undefined,
    status: row.status === 'completed' ? 'completed' : 'open',
    completedOn: row.completed_on ?? undefined,
    completedBy: row.completed_by ?? undefined,
    createdAt: row.created_at,
    version: row.version,
    receivedVia: row.received_via ?? undefined,
    note: row.note ?? undefined,
  }
}

/** A family's sessions with one person's own arrival and departure times. */
export async function sessionsWithAttendanceOf(
  db: Db,
  centreId: string,
  familyId: string,
  personId: string,
): Promise<
  {
    id: string
    startsAt: string
    endsAt: string
    status: string
    arrivedAt: string | undefined
    departedAt: string | undefined
  }[]
> {
  const rows = await db
    .selectFrom('contact_sessions as s')
    .leftJoin('session_people as p', (join) =>
      join
        .onRef('p.session_id', '=', 's.id')
        .onRef('p.centre_id', '=', 's.centre_id')
        .on('p.person_id', '=', personId),
    )
    .select(['s.id', 's.starts_at', 's.ends_at', 's.status', 'p.arrived_at', 'p.departed_at'])
    .where('s.centre_id', '=', centreId)
    .where('s.family_id', '=', familyId)
    .orderBy('s.starts_at')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    status: row.status,
    arrivedAt: row.arrived_at ?? undefined,
    departedAt: row.departed_at ?? undefined,
  }))
}

/** The ids, kinds and dates of a family's incidents, and the ids of its guidance requests. */
export async function incidentsAndGuidanceOf(
  db: Db,
  centreId: string,
  familyId: string,
): Promise<{
  incidents: { id: string; kind: string; occurredAt: string; summary: string }[]
  guidance: { id: string; question: string }[]
}> {
  const incidents = await db
    .selectFrom('incidents')
    .select(['id', 'kind', 'occurred_at', 'summary'])
    .where('centre_id', '=', centreId)
    .where('family_id', '=', familyId)
    .orderBy('occurred_at')
    .execute()
  const guidance = await db
    .selectFrom('guidance_requests')
    .select(['id', 'question'])
    .where('centre_id', '=', centreId)
    .where('family_id', '=', familyId)
    .orderBy('created_at')
    .execute()
  return {
    incidents: incidents.map((i) => ({
      id: i.id,
      kind: i.kind,
      occurredAt: i.occurred_at,
      summary: i.summary,
    })),
    guidance,
  }
}
