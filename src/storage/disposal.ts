import { sql } from 'kysely'
import type { Db } from './database.ts'

/**
 * Finding what has gone unused, and destroying it (RETAIN). Every family-bound table belongs
 * to one category of records; a family's due categories are deleted together, keys first.
 */

/** Incident kinds by the category they belong to. */
const INCIDENT_KINDS = {
  incident: ['incident', 'door_override'],
  safeguarding: ['safeguarding_concern'],
  accident_book: ['accident'],
} as const

/**
 * Disclosures by the category they belong to, by their purpose: one made because a child was
 * at risk is a record of child protection, one made because someone was at risk of violence a
 * safeguarding record; every other is the register's (RETAIN; Birmingham keeps the first two).
 */
const DISCLOSURE_PURPOSES = {
  child_protection: ['safeguarding_child'],
  safeguarding: ['risk_of_violence'],
} as const
const EXCEPTION_PURPOSES: readonly string[] = Object.values(DISCLOSURE_PURPOSES).flat()
const disclosureCategory = (purpose: string): string =>
  (Object.entries(DISCLOSURE_PURPOSES) as [string, readonly string[]][]).find(([, purposes]) =>
    purposes.includes(purpose),
  )?.[0] ?? 'disclosure_register'

export interface UnusedFamily {
  id: string
  /** The later of its last business activity and its last session, YYYY-MM-DD. */
  lastUsedOn: string
  counts: Record<string, number>
}

/**
 * Families of the centre with no business activity and no session since the cutoff, not on
 * legal hold and not already disposed of, with the number of their records in each category.
 * The caller asks the policy about each one; the cutoff only narrows the search.
 */
export async function listUnusedFamilies(
  db: Db,
  centreId: string,
  cutoff: string,
  options: { afterId: string; limit: number; ids?: readonly string[] },
): Promise<UnusedFamily[]> {
  if (options.ids?.length === 0) return []
  let query = db
    .selectFrom('families as f')
    .select(['f.id', 'f.last_activity_at'])
    .where('f.centre_id', '=', centreId)
    .where('f.last_activity_at', '<', `${cutoff}T23:59:59.999Z`)
    .where('f.is_on_legal_hold', '=', 0)
    .where('f.disposed_on', 'is', null)
    .where('f.id', '>', options.afterId)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('contact_sessions as s')
            .select('s.id')
            .whereRef('s.centre_id', '=', 'f.centre_id')
            .whereRef('s.family_id', '=', 'f.id')
            .where('s.starts_at', '>', `${cutoff}T23:59`),
        ),
      ),
    )
  if (options.ids) query = query.where('f.id', 'in', [...options.ids])
  const rows = await query.orderBy('f.id').limit(options.limit).execute()
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const counts = await countRecordsOfFamilies(db, centreId, ids)
  const lastSessions = await db
    .selectFrom('contact_sessions')
    .select(['family_id', (eb) => eb.fn.max('starts_at').as('last')])
    .where('centre_id', '=', centreId)
    .where('family_id', 'in', ids)
    .groupBy('family_id')
    .execute()
  const lastSession = new Map(lastSessions.map((r) => [r.family_id, r.last.slice(0, 10)]))
  return rows.map((row) => {
    const activity = row.last_activity_at.slice(0, 10)
    const session = lastSession.get(row.id) ?? ''
    return {
      id: row.id,
      lastUsedOn: session > activity ? session : activity,
      counts: counts.get(row.id) ?? {},
    }
  })
}

/** The families' references and how many people each holds: what a run lists them by. */
export async function familyLabels(
  db: Db,
  centreId: string,
  ids: readonly string[],
): Promise<Map<string, { reference: string; people: number }>> {
  if (ids.length === 0) return new Map()
  const families = await db
    .selectFrom('families')
    .select(['id', 'reference'])
    .where('centre_id', '=', centreId)
    .where('id', 'in', [...ids])
    .execute()
  const people = await db
    .selectFrom('people')
    .select(['family_id', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('centre_id', '=', centreId)
    .where('family_id', 'in', [...ids])
    .groupBy('family_id')
    .execute()
  const count = new Map(people.map((p) => [p.family_id, Number(p.n)]))
  return new Map(
    families.map((f) => [f.id, { reference: f.reference, people: count.get(f.id) ?? 0 }]),
  )
}

/** How many families are on legal hold (kept whatever their age). */
export async function countFamiliesOnHold(db: Db, centreId: string): Promise<number> {
  const row = await db
    .selectFrom('families')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where('centre_id', '=', centreId)
    .where('is_on_legal_hold', '=', 1)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** How many records each family holds, by category (the family record itself not counted). */
export async function countRecordsOfFamilies(
  db: Db,
  centreId: string,
  ids: readonly string[],
): Promise<Map<string, Record<string, number>>> {
  const counts = new Map<string, Record<string, number>>()
  const add = (familyId: string, category: string, n: unknown) => {
    const entry = counts.get(familyId) ?? {}
    entry[category] = (entry[category] ?? 0) + Number(n)
    counts.set(familyId, entry)
  }
  const simple = [
    ['referrals', 'referral'],
    ['contact_sessions', 'session_record'],
    ['consents', 'consent'],
    ['guidance_requests', 'guidance_request'],
  ] as const
  for (const [table, category] of simple) {
    const rows = await db
      .selectFrom(table)
      .select(['family_id', (eb) => eb.fn.countAll<string | number>().as('n')])
      .where('centre_id', '=', centreId)
      .where('family_id', 'in', [...ids])
      .groupBy('family_id')
      .execute()
    for (const row of rows) if (row.family_id !== null) add(row.family_id, category, row.n)
  }
  const disclosures = await db
    .selectFrom('disclosures')
    .select(['family_id', 'purpose', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('centre_id', '=', centreId)
    .where('family_id', 'in', [...ids])
    .groupBy(['family_id', 'purpose'])
    .execute()
  for (const row of disclosures) add(row.family_id, disclosureCategory(row.purpose), row.n)
  const incidents = await db
    .selectFrom('incidents')
    .select(['family_id', 'kind', (eb) => eb.fn.countAll<string | number>().as('n')])
    .where('centre_id', '=', centreId)
    .where('family_id', 'in', [...ids])
    .groupBy(['family_id', 'kind'])
    .execute()
  for (const row of incidents) {
    if (row.family_id === null) continue
    const category =
      (Object.entries(INCIDENT_KINDS) as [string, readonly string[]][]).find(([, kinds]) =>
        kinds.includes(row.kind),
      )?.[0] ?? 'incident'
    add(row.family_id, category, row.n)
  }
  return counts
}

export interface UnusedRecord {
  kind: 'incident' | 'guidance'
  id: string
  category: 'incident' | 'safeguarding' | 'accident_book' | 'guidance_request'
  lastUsedOn: string
}

/** Records that belong to no family (accident book entries, incidents, guidance) unused since the cutoff. */
export async function listUnusedRecords(
  db: Db,
  centreId: string,
  cutoff: string,
): Promise<UnusedRecord[]> {
  const incidents = await db
    .selectFrom('incidents')
    .select(['id', 'kind', 'occurred_at'])
    .where('centre_id', '=', centreId)
    .where('family_id', 'is', null)
    .where('occurred_at', '<=', `${cutoff}T23:59`)
    .orderBy('id')
    .execute()
  const guidance = await db
    .selectFrom('guidance_requests')
    .select(['id', 'created_at', 'answered_at'])
    .where('centre_id', '=', centreId)
    .where('family_id', 'is', null)
    .where((eb) => eb.fn.coalesce('answered_at', 'created_at'), '<', `${cutoff}T23:59:59.999Z`)
    .orderBy('id')
    .execute()
  return [
    ...incidents.map((row) => ({
      kind: 'incident' as const,
      id: row.id,
      category:
        row.kind === 'accident'
          ? ('accident_book' as const)
          : row.kind === 'safeguarding_concern'
            ? ('safeguarding' as const)
            : ('incident' as const),
      lastUsedOn: row.occurred_at.slice(0, 10),
    })),
    ...guidance.map((row) => ({
      kind: 'guidance' as const,
      id: row.id,
      category: 'guidance_request' as const,
      lastUsedOn: (row.answered_at ?? row.created_at).slice(0, 10),
    })),
  ]
}

/** The state a family must still be in to be destroyed: unused, not held, not disposed. */
export async function findFamilyRetentionState(
  db: Db,
  centreId: string,
  id: string,
): Promise<
  { lastActivityAt: string; isOnLegalHold: boolean; disposedOn: string | null } | undefined
> {
  const row = await db
    .selectFrom('families')
    .select(['last_activity_at', 'is_on_legal_hold', 'disposed_on'])
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .executeTakeFirst()
  return (
    row && {
      lastActivityAt: row.last_activity_at,
      isOnLegalHold: row.is_on_legal_hold === 1,
      disposedOn: row.disposed_on,
    }
  )
}

/** One family's disposal: the categories destroyed, and those of its records that are kept. */
export interface FamilyToDestroy {
  id: string
  destroy: readonly string[]
  keep: readonly string[]
  isWhollyDestroyed: boolean
}

/**
 * Destroys the due categories of some families, in the caller's transaction: first every
 * family key and every sealed contact field (crypto-shredding: nothing sealed can be opened
 * again, whatever copy of a row survives), then the rows, children before parents. People stay
 * (names, dates of birth and how they relate to the children; no contact details) only where
 * their referral or a safeguarding or child protection record of the family is kept, so that
 * what is kept still says whom it is about; the family row stays, with no key, only where
 * something of it is kept.
 */
export async function destroyFamilyRecords(
  trx: Db,
  centreId: string,
  families: readonly FamilyToDestroy[],
  on: string,
): Promise<void> {
  if (families.length === 0) return
  const all = families.map((f) => f.id)
  await trx
    .updateTable('families')
    .set({ wrapped_key: 'shredded', disposed_on: on, safety_flags: '[]', legal_hold_reason: null })
    .where('centre_id', '=', centreId)
    .where('id', 'in', all)
    .execute()
  // Why a person once kept the family out of a run is free text that may name someone.
  await trx
    .updateTable('disposal_items')
    .set({ kept_reason: null })
    .where('centre_id', '=', centreId)
    .where('item_id', 'in', all)
    .where('kept_reason', 'is not', null)
    .execute()
  await trx
    .updateTable('people')
    .set({ address_ciphertext: null, phone_ciphertext: null, email_ciphertext: null })
    .where('centre_id', '=', centreId)
    .where('family_id', 'in', all)
    .execute()
  const due = (category: string) =>
    families.filter((f) => f.destroy.includes(category)).map((f) => f.id)
  const sessionFamilies = due('session_record')
  if (sessionFamilies.length > 0) {
    const sessions = trx
      .selectFrom('contact_sessions')
      .select('id')
      .where('centre_id', '=', centreId)
      .where('family_id', 'in', sessionFamilies)
    for (const table of ['session_people', 'session_workers'] as const)
      await trx
        .deleteFrom(table)
        .where('centre_id', '=', centreId)
        .where('session_id', 'in', sessions)
        .execute()
    await deleteOfFamilies(trx, 'contact_sessions', centreId, sessionFamilies)
  }
  const referralFamilies = due('referral')
  if (referralFamilies.length > 0) {
    await trx
      .deleteFrom('referral_events')
      .where('centre_id', '=', centreId)
      .where(
        'referral_id',
        'in',
        trx
          .selectFrom('referrals')
          .select('id')
          .where('centre_id', '=', centreId)
          .where('family_id', 'in', referralFamilies),
      )
      .execute()
    await deleteOfFamilies(trx, 'referrals', centreId, referralFamilies)
  }
  for (const table of ['consent_withdrawals', 'consents'] as const)
    await deleteOfFamilies(trx, table, centreId, due('consent'))
  const registerOnly = due('disclosure_register')
  if (registerOnly.length > 0)
    await trx
      .deleteFrom('disclosures')
      .where('centre_id', '=', centreId)
      .where('family_id', 'in', registerOnly)
      .where('purpose', 'not in', [...EXCEPTION_PURPOSES])
      .execute()
  for (const [category, purposes] of Object.entries(DISCLOSURE_PURPOSES)) {
    const ids = due(category)
    if (ids.length > 0)
      await trx
        .deleteFrom('disclosures')
        .where('centre_id', '=', centreId)
        .where('family_id', 'in', ids)
        .where('purpose', 'in', [...purposes])
        .execute()
  }
  await deleteOfFamilies(trx, 'guidance_requests', centreId, due('guidance_request'))
  for (const [category, kinds] of Object.entries(INCIDENT_KINDS)) {
    const ids = due(category)
    if (ids.length > 0)
      await trx
        .deleteFrom('incidents')
        .where('centre_id', '=', centreId)
        .where('family_id', 'in', ids)
        .where('kind', 'in', [...kinds])
        .execute()
  }
  await destroyFamilyRecordCategory(trx, centreId, families)
}

async function destroyFamilyRecordCategory(
  trx: Db,
  centreId: string,
  families: readonly FamilyToDestroy[],
): Promise<void> {
  const ids = families.filter((f) => f.destroy.includes('family_record')).map((f) => f.id)
  if (ids.length === 0) return
  const requests = trx
    .selectFrom('subject_access_requests')
    .select('id')
    .where('centre_id', '=', centreId)
    .where('family_id', 'in', ids)
  for (const table of [
    'subject_access_pauses',
    'subject_access_withheld',
    'subject_access_releases',
  ] as const)
    await trx
      .deleteFrom(table)
      .where('centre_id', '=', centreId)
      .where('request_id', 'in', requests)
      .execute()
  for (const table of [
    'subject_access_requests',
    'reveal_reasons',
    'acquaintances',
    'assessments',
    // The family can no longer be found by its names, postcodes or numbers.
    'family_search_terms',
  ] as const)
    await deleteOfFamilies(trx, table, centreId, ids)
  const peopleGo = families
    .filter(
      (f) =>
        f.destroy.includes('family_record') &&
        !f.keep.some((category) => PEOPLE_KEPT_WITH.includes(category)),
    )
    .map((f) => f.id)
  if (peopleGo.length > 0) {
    // A parent's role at this centre ends with their family's record; the account stays for others.
    await trx
      .deleteFrom('account_roles')
      .where('centre_id', '=', centreId)
      .where('role', '=', 'parent')
      .where(
        'account_id',
        'in',
        trx
          .selectFrom('people')
          .select('account_id')
          .where('centre_id', '=', centreId)
          .where('family_id', 'in', peopleGo)
          .where('account_id', 'is not', null)
          .$narrowType<{ account_id: string }>(),
      )
      .execute()
    await deleteOfFamilies(trx, 'people', centreId, peopleGo)
  }
  const whole = families.filter((f) => f.isWhollyDestroyed).map((f) => f.id)
  if (whole.length > 0)
    await trx
      .deleteFrom('families')
      .where('centre_id', '=', centreId)
      .where('id', 'in', whole)
      .execute()
}

/** The kept categories that keep the people of the family (without their contact details). */
const PEOPLE_KEPT_WITH: readonly string[] = ['referral', 'safeguarding', 'child_protection']

type FamilyTable =
  | 'family_search_terms'
  | 'contact_sessions'
  | 'referrals'
  | 'consent_withdrawals'
  | 'consents'
  | 'guidance_requests'
  | 'subject_access_requests'
  | 'reveal_reasons'
  | 'acquaintances'
  | 'assessments'
  | 'people'

async function deleteOfFamilies(
  trx: Db,
  table: FamilyTable,
  centreId: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return
  await trx
    .deleteFrom(table)
    .where('centre_id', '=', centreId)
    .where('family_id', 'in', [...ids])
    .execute()
}

/** Destroys records that belong to no family, by id. */
export async function destroyStandaloneRecords(
  trx: Db,
  centreId: string,
  records: readonly { kind: 'incident' | 'guidance'; id: string }[],
): Promise<void> {
  const incidents = records.filter((r) => r.kind === 'incident').map((r) => r.id)
  const guidance = records.filter((r) => r.kind === 'guidance').map((r) => r.id)
  if (incidents.length > 0)
    await trx
      .deleteFrom('incidents')
      .where('centre_id', '=', centreId)
      .where('id', 'in', incidents)
      .execute()
  if (guidance.length > 0)
    await trx
      .deleteFrom('guidance_requests')
      .where('centre_id', '=', centreId)
      .where('id', 'in', guidance)
      .execute()
}

/** Flushes SQLite's write-ahead log into the file and empties it, so no old page lingers there. */
export async function flushDeletedPages(db: Db, dialect: 'sqlite' | 'postgres'): Promise<void> {
  if (dialect === 'sqlite') await sql`pragma wal_checkpoint(truncate)`.execute(db)
}

/** Which of these ids are already in the disposal ledger. */
export async function ledgerIdsPresent(db: Db, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db
    .selectFrom('disposal_ledger')
    .select('id')
    .where('id', 'in', [...ids])
    .execute()
  return new Set(rows.map((r) => r.id))
}

/** Of these families, those present, with what decides whether a disposal may be applied again. */
export async function familyStatesForReapply(
  db: Db,
  centreId: string,
  ids: readonly string[],
): Promise<Map<string, { lastActivityAt: string; isOnLegalHold: boolean }>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('families')
    .select(['id', 'last_activity_at', 'is_on_legal_hold'])
    .where('centre_id', '=', centreId)
    .where('id', 'in', [...ids])
    .execute()
  return new Map(
    rows.map((r) => [
      r.id,
      { lastActivityAt: r.last_activity_at, isOnLegalHold: r.is_on_legal_hold === 1 },
    ]),
  )
}
