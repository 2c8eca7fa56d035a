import type { Db } from './database.ts'

/** A family as stored: its key is wrapped, its contact fields ciphertext. */
export interface StoredFamily {
  id: string
  centreId: string
  reference: string
  wrappedKey: string
  keyVersion: number
  createdAt: string
  lastActivityAt: string
}

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
  createdAt: string
}

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

export async function listPeopleOfFamily(
  db: Db,
  centreId: string,
  familyId: string,
): Promise<StoredPerson[]> {
  const rows = await db
    .selectFrom('people')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('family_id', '=', familyId)
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    centreId: row.centre_id,
    familyId: row.family_id,
    kind: row.kind,
    givenName: row.given_name,
    familyName: row.family_name,
    dateOfBirth: row.date_of_birth ?? undefined,
    addressCiphertext: row.address_ciphertext ?? undefined,
    phoneCiphertext: row.phone_ciphertext ?? undefined,
    createdAt: row.created_at,
  }))
}

export async function findFamilyByReference(
  db: Db,
  centreId: string,
  reference: string,
): Promise<StoredFamily | undefined> {
  const row = await db
    .selectFrom('families')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('reference', '=', reference)
    .executeTakeFirst()
  return (
    row && {
      id: row.id,
      centreId: row.centre_id,
      reference: row.reference,
      wrappedKey: row.wrapped_key,
      keyVersion: row.key_version,
      createdAt: row.created_at,
      lastActivityAt: row.last_activity_at,
    }
  )
}
