import type { Selectable } from 'kysely'
import type { Db } from './database.ts'
import type { ReferralRow } from './schema-cases.ts'

export interface Agency {
  id: string
  centreId: string
  kind: string
  name: string
  createdAt: string
}

export interface CourtOrder {
  kind: string
  reference?: string | undefined
  madeOn?: string | undefined
  court?: string | undefined
  conditions?: string | undefined
}

export interface StoredReferral {
  id: string
  centreId: string
  familyId: string
  /** Undefined for a self-referral. */
  agencyId: string | undefined
  referredBy: string | undefined
  status: string
  receivedOn: string
  childrenLiveWith: string | undefined
  courtOrder: CourtOrder | undefined
  availability: string | undefined
  version: number
  createdAt: string
  updatedAt: string
}

export interface ReferralEvent {
  id: string
  referralId: string
  fromStatus: string | undefined
  toStatus: string
  at: string
  byAccount: string | undefined
}

/** The agency of this kind and name in the centre, made on first use. */
/** The centre's agency of this kind and name, if it has one. */
export async function findAgencyNamed(
  db: Db,
  centreId: string,
  kind: string,
  name: string,
): Promise<Agency | undefined> {
  const row = await db
    .selectFrom('agencies')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('kind', '=', kind)
    .where('name', '=', name)
    .executeTakeFirst()
  return row ? toAgency(row) : undefined
}

export async function findOrCreateAgency(db: Db, agency: Agency): Promise<Agency> {
  const existing = await findAgencyNamed(db, agency.centreId, agency.kind, agency.name)
  if (existing) return existing
  await db
    .insertInto('agencies')
    .values({
      id: agency.id,
      centre_id: agency.centreId,
      kind: agency.kind,
      name: agency.name,
      created_at: agency.createdAt,
    })
    .execute()
  return agency
}

export async function findAgency(
  db: Db,
  centreId: string,
  id: string,
): Promise<Agency | undefined> {
  const row = await db
    .selectFrom('agencies')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && toAgency(row)
}

export async function listAgencies(db: Db, centreId: string): Promise<Agency[]> {
  const rows = await db
    .selectFrom('agencies')
    .selectAll()
    .where('centre_id', '=', centreId)
    .orderBy('name')
    .execute()
  return rows.map(toAgency)
}

/** How many referrals each of the centre's agencies made (agencies with none are absent). */
export async function countReferralsByAgency(
  db: Db,
  centreId: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('referrals')
    .select((eb) => ['agency_id', eb.fn.countAll<number | string>().as('count')])
    .where('centre_id', '=', centreId)
    .where('agency_id', 'is not', null)
    .groupBy('agency_id')
    .execute()
  return new Map(
    rows.flatMap((r) => (r.agency_id === null ? [] : [[r.agency_id, Number(r.count)]])),
  )
}

/**
 * Renames an agency or changes its kind if it still has the name and kind the editor saw;
 * false when it is gone or someone changed it first (the newer one stays).
 */
export async function updateAgency(
  db: Db,
  agency: { centreId: string; id: string; heldName: string; heldKind: string },
  change: { name: string; kind: string },
): Promise<boolean> {
  const result = await db
    .updateTable('agencies')
    .set({ name: change.name, kind: change.kind })
    .where('centre_id', '=', agency.centreId)
    .where('id', '=', agency.id)
    .where('name', '=', agency.heldName)
    .where('kind', '=', agency.heldKind)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** The agency a referrer acts for in a centre, if their role names one. */
export async function agencyIdOfReferrer(
  db: Db,
  centreId: string,
  accountId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('account_roles')
    .select('agency_id')
    .where('centre_id', '=', centreId)
    .where('account_id', '=', accountId)
    .where('role', '=', 'referrer')
    .executeTakeFirst()
  return row?.agency_id ?? undefined
}

export async function setAgencyOfReferrer(
  db: Db,
  centreId: string,
  accountId: string,
  agencyId: string,
): Promise<void> {
  await db
    .updateTable('account_roles')
    .set({ agency_id: agencyId })
    .where('centre_id', '=', centreId)
    .where('account_id', '=', accountId)
    .where('role', '=', 'referrer')
    .execute()
}

export async function insertReferral(db: Db, referral: StoredReferral): Promise<void> {
  await db
    .insertInto('referrals')
    .values({
      id: referral.id,
      centre_id: referral.centreId,
      family_id: referral.familyId,
      agency_id: referral.agencyId ?? null,
      referred_by: referral.referredBy ?? null,
      status: referral.status,
      received_on: referral.receivedOn,
      children_live_with: referral.childrenLiveWith ?? null,
      court_order: referral.courtOrder ? JSON.stringify(referral.courtOrder) : null,
      availability: referral.availability ?? null,
      version: referral.version,
      created_at: referral.createdAt,
      updated_at: referral.updatedAt,
    })
    .execute()
}

export async function findReferral(
  db: Db,
  centreId: string,
  id: string,
): Promise<StoredReferral | undefined> {
  const row = await db
    .selectFrom('referrals')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && toReferral(row)
}

export async function listReferrals(
  db: Db,
  centreId: string,
  options: {
    agencyId?: string
    familyIds?: readonly string[]
    status?: string
    limit: number
    offset?: number
  },
): Promise<StoredReferral[]> {
  if (options.familyIds?.length === 0) return []
  let query = db.selectFrom('referrals').selectAll().where('centre_id', '=', centreId)
  if (options.agencyId !== undefined) query = query.where('agency_id', '=', options.agencyId)
  if (options.familyIds) query = query.where('family_id', 'in', [...options.familyIds])
  if (options.status !== undefined) query = query.where('status', '=', options.status)
  const rows = await query
    .orderBy('received_on', 'desc')
    .orderBy('id')
    .limit(options.limit)
    .offset(options.offset ?? 0)
    .execute()
  return rows.map(toReferral)
}

/** The agencies that referred a family (a family can be referred again after closing). */
export async function agencyIdsOfFamily(
  db: Db,
  centreId: string,
  familyId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('referrals')
    .select('agency_id')
    .where('centre_id', '=', centreId)
    .where('family_id', '=', familyId)
    .execute()
  return rows.flatMap((row) => (row.agency_id === null ? [] : [row.agency_id]))
}

export async function familyIdsOfAgency(
  db: Db,
  centreId: string,
  agencyId: string,
): Promise<string[]> {
  const rows = await db
    .selectFrom('referrals')
    .select('family_id')
    .where('centre_id', '=', centreId)
    .where('agency_id', '=', agencyId)
    .execute()
  return [...new Set(rows.map((row) => row.family_id))]
}

/** Moves a referral on if it is still at the version the editor saw; false if it was not. */
export async function updateReferralStatus(
  db: Db,
  referral: { centreId: string; id: string; version: number },
  change: { status: string; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('referrals')
    .set((eb) => ({ status: change.status, updated_at: change.at, version: eb('version', '+', 1) }))
    .where('centre_id', '=', referral.centreId)
    .where('id', '=', referral.id)
    .where('version', '=', referral.version)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function insertReferralEvent(
  db: Db,
  centreId: string,
  event: ReferralEvent,
): Promise<void> {
  await db
    .insertInto('referral_events')
    .values({
      id: event.id,
      centre_id: centreId,
      referral_id: event.referralId,
      from_status: event.fromStatus ?? null,
      to_status: event.toStatus,
      at: event.at,
      by_account: event.byAccount ?? null,
    })
    .execute()
}

export async function listReferralEvents(
  db: Db,
  centreId: string,
  referralId: string,
): Promise<ReferralEvent[]> {
  const rows = await db
    .selectFrom('referral_events')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('referral_id', '=', referralId)
    .orderBy('at')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    referralId: row.referral_id,
    fromStatus: row.from_status ?? undefined,
    toStatus: row.to_status,
    at: row.at,
    byAccount: row.by_account ?? undefined,
  }))
}

function toAgency(row: {
  id: string
  centre_id: string
  kind: string
  name: string
  created_at: string
}): Agency {
  return {
    id: row.id,
    centreId: row.centre_id,
    kind: row.kind,
    name: row.name,
    createdAt: row.created_at,
  }
}

function toReferral(row: Selectable<ReferralRow>): StoredReferral {
  return {
    id: row.id,
    centreId: row.centre_id,
    familyId: row.family_id,
    agencyId: row.agency_id ?? undefined,
    referredBy: row.referred_by ?? undefined,
    status: row.status,
    receivedOn: row.received_on,
    childrenLiveWith: row.children_live_with ?? undefined,
    courtOrder: row.court_order === null ? undefined : (JSON.parse(row.court_order) as CourtOrder),
    availability: row.availability ?? undefined,
    version: row.version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

/** Changes when the family can come and the court order, at the version seen. */
export async function updateReferralArrangements(
  db: Db,
  referral: { centreId: string; id: string; version: number },
  change: { availability: string | undefined; courtOrder: CourtOrder | undefined; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('referrals')
    .set((eb) => ({
      availability: change.availability ?? null,
      court_order: change.courtOrder ? JSON.stringify(change.courtOrder) : null,
      updated_at: change.at,
      version: eb('version', '+', 1),
    }))
    .where('centre_id', '=', referral.centreId)
    .where('id', '=', referral.id)
    .where('version', '=', referral.version)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}
