import type { Selectable } from 'kysely'
import type { Db } from './database.ts'
import type { FamilyRow, PersonRow } from './schema.ts'

/** A family as stored: its key is wrapped, its contact fields ciphertext. */
export interface StoredFamily {
  id: string
  centreId: string
  reference: string
  wrappedKey: string
  keyVersion: number
  createdAt: string
  lastActivityAt: string
  version?: number
  isSeparationRequired?: boolean
  safetyFlags?: string[]
  isOnLegalHold?: boolean
  /** The day its expired records were destroyed (RETAIN), when kept records still name it. */
  disposedOn?: string | undefined
}

/** A family as read back: every field present. */
export type FamilyRecord = Required<StoredFamily>

export type PersonKind = 'resident_parent' | 'non_resident_parent' | 'child' | 'other_adult'

export interface StoredPerson {
  id: string
  centreId: string
  familyId: string
  kind: string
  givenName: string
  familyName: string
  dateOfBirth: string | undefined
  addressCiphertext: string | undefined
  phoneCiphertext: string | undefined
  emailCiphertext?: string | undefined
  relationship?: string | undefined
  hasParentalResponsibility?: boolean
  mayAttend?: boolean
  accountId?: string | undefined
  createdAt: string
  version?: number
}

/** A person as read back: every field present (undefined where not held). */
export type PersonRecord = Required<StoredPerson>

export async function insertFamily(db: Db, family: StoredFamily): Promise<void> {
  await db
    .insertInto('families')
    .values({
      id: family.id,
      centre_id: family.centreId,
      reference: family.reference,
      wrapped_key: family.wrappedKey,
      key_version: family.keyVersion,
      created_at: family.createdAt,
      last_activity_at: family.lastActivityAt,
      is_separation_required: family.isSeparationRequired ? 1 : 0,
      safety_flags: JSON.stringify(family.safetyFlags ?? []),
    })
    .execute()
}

export async function insertPeople(db: Db, people: readonly StoredPerson[]): Promise<void> {
  if (people.length === 0) return
  await db
    .insertInto('people')
    .values(
      people.map((person) => ({
        id: person.id,
        centre_id: person.centreId,
        family_id: person.familyId,
        kind: person.kind,
        given_name: person.givenName,
        family_name: person.familyName,
        date_of_birth: person.dateOfBirth ?? null,
        address_ciphertext: person.addressCiphertext ?? null,
        phone_ciphertext: person.phoneCiphertext ?? null,
        email_ciphertext: person.emailCiphertext ?? null,
        relationship: person.relationship ?? null,
        has_parental_responsibility: person.hasParentalResponsibility ? 1 : 0,
        may_attend: person.mayAttend ? 1 : 0,
        account_id: person.accountId ?? null,
        created_at: person.createdAt,
      })),
    )
    .execute()
}

export async function countFamilies(db: Db, centreId: string): Promise<number> {
  const row = await db
    .selectFrom('families')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('centre_id', '=', centreId)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/**
 * The centre's next family reference, F-0001 onwards: its counter moved on in one statement,
 * so two referrals never get the same one, on either engine, and a reference is never given
 * again after its family is disposed of (decision 0032). Should the number be taken all the
 * same (references written without the counter: a restore of a backup made before migration
 * 0013), the counter jumps past the highest reference taken.
 */
export async function nextFamilyReference(db: Db, centreId: string): Promise<string> {
  const format = (n: number): string => `F-${String(n).padStart(4, '0')}`
  const moved = await db
    .updateTable('centres')
    .set((eb) => ({ last_family_number: eb('last_family_number', '+', 1) }))
    .where('id', '=', centreId)
    .returning('last_family_number')
    .executeTakeFirstOrThrow()
  const reference = format(moved.last_family_number)
  const taken = await db
    .selectFrom('families')
    .select('id')
    .where('centre_id', '=', centreId)
    .where('reference', '=', reference)
    .executeTakeFirst()
  if (!taken) return reference
  const rows = await db
    .selectFrom('families')
    .select('reference')
    .where('centre_id', '=', centreId)
    .where('reference', 'like', 'F-%')
    .execute()
  const highest = rows.reduce((n, row) => Math.max(n, Number(row.reference.slice(2)) || 0), 0)
  await db
    .updateTable('centres')
    .set({ last_family_number: highest + 1 })
    .where('id', '=', centreId)
    .execute()
  return format(highest + 1)
}

export async function listPeopleOfFamily(
  db: Db,
  centreId: string,
  familyId: string,
): Promise<PersonRecord[]> {
  const rows = await db
    .selectFrom('people')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('family_id', '=', familyId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map(toPerson)
}

/** The people of several families, by family, each in the order listPeopleOfFamily gives. */
export async function listPeopleOfFamilies(
  db: Db,
  centreId: string,
  familyIds: readonly string[],
): Promise<Map<string, PersonRecord[]>> {
  const byFamily = new Map<string, PersonRecord[]>()
  if (familyIds.length === 0) return byFamily
  const rows = await db
    .selectFrom('people')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('family_id', 'in', [...familyIds])
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  for (const row of rows) {
    const person = toPerson(row)
    const list = byFamily.get(person.familyId) ?? []
    list.push(person)
    byFamily.set(person.familyId, list)
  }
  return byFamily
}

export async function findPerson(
  db: Db,
  centreId: string,
  personId: string,
): Promise<PersonRecord | undefined> {
  const row = await db
    .selectFrom('people')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('id', '=', personId)
    .executeTakeFirst()
  return row && toPerson(row)
}

export async function findFamily(
  db: Db,
  centreId: string,
  familyId: string,
): Promise<FamilyRecord | undefined> {
  const row = await db
    .selectFrom('families')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('id', '=', familyId)
    .executeTakeFirst()
  return row && toFamily(row)
}

export async function findFamilyByReference(
  db: Db,
  centreId: string,
  reference: string,
): Promise<FamilyRecord | undefined> {
  const row = await db
    .selectFrom('families')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('reference', '=', reference)
    .executeTakeFirst()
  return row && toFamily(row)
}

/** The references of the given families (a reference names no one). */
export async function familyReferences(
  db: Db,
  centreId: string,
  ids: readonly string[],
): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('families')
    .select(['id', 'reference'])
    .where('centre_id', '=', centreId)
    .where('id', 'in', [...new Set(ids)])
    .execute()
  return new Map(rows.map((r) => [r.id, r.reference]))
}

/** Families in reference order, optionally only those whose ids are given. */
export async function listFamilies(
  db: Db,
  centreId: string,
  options: { ids?: readonly string[]; limit: number; offset: number },
): Promise<FamilyRecord[]> {
  if (options.ids?.length === 0) return []
  let query = db.selectFrom('families').selectAll().where('centre_id', '=', centreId)
  if (options.ids) query = query.where('id', 'in', [...options.ids])
  const rows = await query
    .orderBy('reference')
    .limit(options.limit)
    .offset(options.offset)
    .execute()
  return rows.map(toFamily)
}

/** What the door shows of a family: its reference, separation plan and safety flags. */
export interface FamilyAtTheDoor {
  id: string
  reference: string
  isSeparationRequired: boolean
  safetyFlags: string[]
}

/**
 * The door's view of these families, by id: only the columns a day's list shows, so a busy
 * Saturday's eighty families do not carry their keys and dates across to be dropped.
 */
export async function listFamiliesAtTheDoor(
  db: Db,
  centreId: string,
  ids: readonly string[],
): Promise<Map<string, FamilyAtTheDoor>> {
  const found = new Map<string, FamilyAtTheDoor>()
  if (ids.length === 0) return found
  const rows = await db
    .selectFrom('families')
    .select(['id', 'reference', 'is_separation_required', 'safety_flags'])
    .where('centre_id', '=', centreId)
    .where('id', 'in', [...ids])
    .execute()
  for (const row of rows)
    found.set(row.id, {
      id: row.id,
      reference: row.reference,
      isSeparationRequired: row.is_separation_required === 1,
      safetyFlags: JSON.parse(row.safety_flags) as string[],
    })
  return found
}

/**
 * The first names and kinds of the people of these families, by person id: what a day's list
 * names at the door, and nothing else (never a family name, a date of birth or contact details).
 */
export async function listFirstNamesOfFamilies(
  db: Db,
  centreId: string,
  familyIds: readonly string[],
): Promise<Map<string, { kind: PersonRecord['kind']; givenName: string }>> {
  const found = new Map<string, { kind: PersonRecord['kind']; givenName: string }>()
  if (familyIds.length === 0) return found
  const rows = await db
    .selectFrom('people')
    .select(['id', 'kind', 'given_name'])
    .where('centre_id', '=', centreId)
    .where('family_id', 'in', [...familyIds])
    .execute()
  for (const row of rows) found.set(row.id, { kind: row.kind, givenName: row.given_name })
  return found
}

/**
 * Changes a family's door details if it is still at the version the editor saw; returns
 * false when someone else changed it first (the newer data stays).
 */
export async function updateFamilyDoorDetails(
  db: Db,
  family: { centreId: string; id: string; version: number },
  change: { isSeparationRequired: boolean; safetyFlags: readonly string[]; at: string },
): Promise<boolean> {
  const result = await db
    .updateTable('families')
    .set((eb) => ({
      is_separation_required: change.isSeparationRequired ? 1 : 0,
      safety_flags: JSON.stringify(change.safetyFlags),
      updated_at: change.at,
      last_activity_at: change.at,
      version: eb('version', '+', 1),
    }))
    .where('centre_id', '=', family.centreId)
    .where('id', '=', family.id)
    .where('version', '=', family.version)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Marks business activity on a family (RETAIN counts years from the last). */
export async function touchFamily(
  db: Db,
  centreId: string,
  familyId: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('families')
    .set({ last_activity_at: at })
    .where('centre_id', '=', centreId)
    .where('id', '=', familyId)
    .execute()
}

/** The families a parent's account belongs to (as a person in them). */
export async function familyIdsOfAccount(
  db: Db,
  centreId: string,
  accountId: string,
): Promise<{ familyId: string; personId: string }[]> {
  const rows = await db
    .selectFrom('people')
    .select(['family_id', 'id'])
    .where('centre_id', '=', centreId)
    .where('account_id', '=', accountId)
    .execute()
  return rows.map((row) => ({ familyId: row.family_id, personId: row.id }))
}

function toFamily(row: Selectable<FamilyRow>): FamilyRecord {
  return {
    id: row.id,
    centreId: row.centre_id,
    reference: row.reference,
    wrappedKey: row.wrapped_key,
    keyVersion: row.key_version,
    createdAt: row.created_at,
    lastActivityAt: row.last_activity_at,
    version: row.version,
    isSeparationRequired: row.is_separation_required === 1,
    safetyFlags: JSON.parse(row.safety_flags) as string[],
    isOnLegalHold: row.is_on_legal_hold === 1,
    disposedOn: row.disposed_on ?? undefined,
  }
}

function toPerson(row: Selectable<PersonRow>): PersonRecord {
  return {
    id: row.id,
    centreId: row.centre_id,
    familyId: row.family_id,
    kind: row.kind,
    givenName: row.given_name,
    familyName: row.family_name,
    dateOfBirth: row.date_of_birth ?? undefined,
    addressCiphertext: row.address_ciphertext ?? undefined,
    phoneCiphertext: row.phone_ciphertext ?? undefined,
    emailCiphertext: row.email_ciphertext ?? undefined,
    relationship: row.relationship ?? undefined,
    hasParentalResponsibility: row.has_parental_responsibility === 1,
    mayAttend: row.may_attend === 1,
    accountId: row.account_id ?? undefined,
    createdAt: row.created_at,
    version: row.version,
  }
}

export async function insertRevealReason(
  db: Db,
  row: {
    id: string
    centreId: string
    familyId: string
    personId: string
    accountId: string
    reason: string
    at: string
  },
): Promise<void> {
  await db
    .insertInto('reveal_reasons')
    .values({
      id: row.id,
      centre_id: row.centreId,
      family_id: row.familyId,
      person_id: row.personId,
      account_id: row.accountId,
      reason: row.reason,
      at: row.at,
    })
    .execute()
}

/** Links a person to their own Haven account (a parent who has been invited). */
export async function setPersonAccount(
  db: Db,
  centreId: string,
  personId: string,
  accountId: string,
): Promise<void> {
  await db
    .updateTable('people')
    .set({ account_id: accountId })
    .where('centre_id', '=', centreId)
    .where('id', '=', personId)
    .execute()
}

/** Corrects a person's record if it is still at the version the editor saw. */
export async function updatePerson(
  db: Db,
  person: { centreId: string; id: string; version: number },
  change: {
    givenName: string
    familyName: string
    relationship: string | undefined
    hasParentalResponsibility: boolean
    mayAttend: boolean
    /** A child's date of birth; absent leaves it as it is. */
    dateOfBirth?: string | undefined
    sealed: {
      address?: string | null | undefined
      phone?: string | null | undefined
      email?: string | null | undefined
    }
    at: string
  },
): Promise<boolean> {
  const result = await db
    .updateTable('people')
    .set((eb) => ({
      given_name: change.givenName,
      family_name: change.familyName,
      relationship: change.relationship ?? null,
      has_parental_responsibility: change.hasParentalResponsibility ? 1 : 0,
      may_attend: change.mayAttend ? 1 : 0,
      ...(change.dateOfBirth === undefined ? {} : { date_of_birth: change.dateOfBirth }),
      ...(change.sealed.address === undefined ? {} : { address_ciphertext: change.sealed.address }),
      ...(change.sealed.phone === undefined ? {} : { phone_ciphertext: change.sealed.phone }),
      ...(change.sealed.email === undefined ? {} : { email_ciphertext: change.sealed.email }),
      updated_at: change.at,
      version: eb('version', '+', 1),
    }))
    .where('centre_id', '=', person.centreId)
    .where('id', '=', person.id)
    .where('version', '=', person.version)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Holds a family against disposal with a reason, or lifts the hold (undefined). */
export async function setFamilyLegalHold(
  db: Db,
  centreId: string,
  familyId: string,
  reason: string | undefined,
): Promise<void> {
  await db
    .updateTable('families')
    .set({ is_on_legal_hold: reason === undefined ? 0 : 1, legal_hold_reason: reason ?? null })
    .where('centre_id', '=', centreId)
    .where('id', '=', familyId)
    .execute()
}

/** Whether a family is on legal hold, and why (the reason is the coordinator's own words). */
export async function findLegalHold(
  db: Db,
  centreId: string,
  familyId: string,
): Promise<
  | { reference: string; isOnHold: boolean; reason: string | undefined; isDisposed: boolean }
  | undefined
> {
  const row = await db
    .selectFrom('families')
    .select(['reference', 'is_on_legal_hold', 'legal_hold_reason', 'disposed_on'])
    .where('centre_id', '=', centreId)
    .where('id', '=', familyId)
    .executeTakeFirst()
  return (
    row && {
      reference: row.reference,
      isOnHold: row.is_on_legal_hold === 1,
      reason: row.legal_hold_reason ?? undefined,
      isDisposed: row.disposed_on !== null,
    }
  )
}
