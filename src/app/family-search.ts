import { createHmac, randomBytes } from 'node:crypto'
import { familyTerms, queryParts } from '../domain/search-terms.ts'
import type { Db } from '../storage/database.ts'
import { familyReferences, findFamily, listPeopleOfFamily } from '../storage/families.ts'
import {
  familiesMatching,
  familiesNotIndexed,
  findSearchKey,
  insertSearchKey,
  replaceFamilyTerms,
} from '../storage/search.ts'
import { openContactDetails } from './contact-details.ts'
import type { AppContext } from './context.ts'
import { openWithMasterKey, sealWithMasterKey } from './field-crypto.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { auditedRead, inCentre } from './in-centre.ts'
import { hasAbility, policyInForce } from './policy-access.ts'

/**
 * Finding a family by name, postcode or phone without holding any of them in clear: a keyed
 * blind index (migration 0015, decision 0037). Each family's normalised terms are stored as
 * HMAC-SHA256 under a random key of the centre's own, sealed under the master key; a search
 * hashes what was typed the same way and matches by equality. What the index cannot do, by
 * design: find a misspelling, or a word from its middle.
 */

const searchKeyPurpose = (centreId: string): string => `search:${centreId}`

/** The centre's search key, made on first use (in a writing transaction). */
async function searchKeyForWriting(ctx: AppContext, trx: Db, centreId: string): Promise<Buffer> {
  const sealed =
    (await findSearchKey(trx, centreId)) ??
    (await insertSearchKey(
      trx,
      centreId,
      sealWithMasterKey(ctx.masterKey, searchKeyPurpose(centreId), randomBytes(32)),
      ctx.now().toISOString(),
    ))
  return openWithMasterKey(ctx.masterKey, searchKeyPurpose(centreId), sealed)
}

/** The centre's search key for a read: none until its first family was indexed. */
async function searchKeyForReading(
  ctx: AppContext,
  trx: Db,
  centreId: string,
): Promise<Buffer | undefined> {
  const sealed = await findSearchKey(trx, centreId)
  return sealed === undefined
    ? undefined
    : openWithMasterKey(ctx.masterKey, searchKeyPurpose(centreId), sealed)
}

/** The keyed form of a term: 128 bits of its HMAC, enough to tell terms apart. */
function keyed(key: Buffer, term: string): string {
  return createHmac('sha256', key).update(term, 'utf8').digest('hex').slice(0, 32)
}

/**
 * Writes a family's search terms from what is held now (names, and postcodes and phone
 * numbers opened under the family's key), in the caller's transaction: called wherever a
 * family's people or their contact details are written. A new family's writer passes the
 * people it has just written (`written`), so they are not read back and opened again.
 */
export async function indexFamily(
  ctx: AppContext,
  trx: Db,
  centreId: string,
  familyId: string,
  written?: Parameters<typeof familyTerms>[0],
): Promise<void> {
  let people = written
  if (people === undefined) {
    const family = await findFamily(trx, centreId, familyId)
    if (!family) return
    people = (await listPeopleOfFamily(trx, centreId, familyId)).map((p) => {
      const contact = openContactDetails(ctx, family, p)
      return {
        givenName: p.givenName,
        familyName: p.familyName,
        dateOfBirth: p.dateOfBirth,
        isChild: p.kind === 'child',
        address: contact.address,
        phone: contact.phone,
      }
    })
  }
  const terms = familyTerms(people)
  const key = await searchKeyForWriting(ctx, trx, centreId)
  await replaceFamilyTerms(
    trx,
    centreId,
    familyId,
    terms.map((t) => keyed(key, t)),
    ctx.now().toISOString(),
  )
}

/**
 * The families of a centre whose terms match every part of a search (at most `limit`, in
 * reference order), before any decision on who may see them. Empty when nothing searchable
 * was typed, or the centre has no index yet.
 */
export async function familiesFound(
  ctx: AppContext,
  trx: Db,
  centreId: string,
  query: string,
  limit: number,
): Promise<string[]> {
  const parts = queryParts(query.slice(0, 200))
  if (parts.length === 0) return []
  const key = await searchKeyForReading(ctx, trx, centreId)
  if (key === undefined) return []
  return familiesMatching(
    trx,
    centreId,
    parts.map((part) => part.map((t) => keyed(key, t))),
    limit,
  )
}

/**
 * Families held before the index existed, indexed a batch at a time (each family in its own
 * centre's transaction); run at start and by the scheduler until none is left. Returns how
 * many were indexed.
 */
export async function indexFamiliesNotYetIndexed(ctx: AppContext, batch = 200): Promise<number> {
  const waiting = await familiesNotIndexed(ctx.db, batch)
  for (const family of waiting)
    await inCentre(ctx, family.centreId, (trx) => indexFamily(ctx, trx, family.centreId, family.id))
  return waiting.length
}

/**
 * The families already held that a new referral looks like: one with a child of the same
 * name and date of birth, or with an adult of the same full name at the same postcode or
 * phone number. For those who see every family only (`see_all_families`): to anyone else,
 * whether a family is held is not theirs to learn. Read only; audited as a search.
 */
export async function likelyDuplicates(
  ctx: AppContext,
  actor: Actor,
  people: readonly {
    givenName: string
    familyName: string
    dateOfBirth?: string | undefined
    isChild: boolean
    address?: string | undefined
    phone?: string | undefined
  }[],
): Promise<{ id: string; reference: string }[]> {
  return auditedRead(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    if (!hasAbility(policy, actor, 'see_all_families')) return []
    const key = await searchKeyForReading(ctx, trx, actor.centreId)
    if (key === undefined) return []
    const terms = familyTerms(people).map((t) => ({ t, k: keyed(key, t) }))
    const of = (prefixes: readonly string[]) =>
      terms.filter(({ t }) => prefixes.some((p) => t.startsWith(p))).map(({ k }) => k)
    const [children, adults, contacts] = [of(['c:']), of(['a:']), of(['p:', 't:'])]
    const ids = new Set<string>()
    if (children.length > 0)
      for (const id of await familiesMatching(trx, actor.centreId, [children], 20)) ids.add(id)
    if (adults.length > 0 && contacts.length > 0)
      for (const id of await familiesMatching(trx, actor.centreId, [adults, contacts], 20))
        ids.add(id)
    if (ids.size === 0) return []
    const references = await familyReferences(trx, actor.centreId, [...ids])
    // Audited when it names families; a check that found none showed nothing.
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: 'family', count: ids.size, searched: true, duplicates: true },
    })
    return [...ids]
      .map((id) => ({ id, reference: references.get(id) ?? '' }))
      .sort((a, b) => a.reference.localeCompare(b.reference))
  })
}

/** The people a referral names, as `likelyDuplicates` compares them. */
export function peopleOfReferral(input: {
  parents: readonly {
    givenName: string
    familyName: string
    contactDetails?: { address?: string | undefined; phone?: string | undefined } | undefined
  }[]
  children: readonly { givenName: string; familyName: string; dateOfBirth: string }[]
  namedPeople?: readonly { givenName: string; familyName: string }[] | undefined
}): Parameters<typeof likelyDuplicates>[2] {
  return [
    ...input.parents.map((p) => ({
      givenName: p.givenName,
      familyName: p.familyName,
      isChild: false,
      address: p.contactDetails?.address,
      phone: p.contactDetails?.phone,
    })),
    ...input.children.map((c) => ({ ...c, isChild: true })),
    ...(input.namedPeople ?? []).map((n) => ({
      givenName: n.givenName,
      familyName: n.familyName,
      isChild: false,
    })),
  ]
}
