/**
 * A parent's consent to share a category of their information with a named recipient for a
 * purpose (CONTACT). Consent is a record of events: given (with its evidence and any expiry)
 * and, later, withdrawn; a withdrawal is a new event, never an edit.
 */
export interface ConsentRecord {
  id: string
  personId: string
  category: string
  recipientKind: string
  recipientName: string
  purpose: string
  /** How it was given: written, verbal (recorded by the centre), in_haven (by the person). */
  evidence: string
  givenOn: string
  expiresOn?: string | undefined
  withdrawnOn?: string | undefined
}

/**
 * Explicit permission (CONTACT, where the policy asks for it): the parent's own word in
 * writing, or given by the parent in Haven themselves; not a spoken consent the centre noted.
 */
export const EXPLICIT_EVIDENCE: readonly string[] = ['written', 'in_haven']

export type ConsentState = 'live' | 'withdrawn' | 'expired' | 'not_yet_given' | 'none'

/** Whether a consent stands on a day: given by then, not expired, not withdrawn. */
export function consentStateOn(consent: ConsentRecord, today: string): ConsentState {
  if (consent.withdrawnOn !== undefined && consent.withdrawnOn <= today) return 'withdrawn'
  if (consent.givenOn > today) return 'not_yet_given'
  if (consent.expiresOn !== undefined && consent.expiresOn < today) return 'expired'
  return 'live'
}

/** Names match whatever their case, spacing and punctuation: "Hollis & Co" is "hollis and co". */
export function sameRecipientName(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replaceAll('&', ' and ')
      .replace(/[^a-z0-9]+/g, ' ')
      .trim()
  return norm(a) === norm(b) && norm(a) !== ''
}

export interface ConsentAsk {
  personId: string
  category: string
  recipientKind: string
  recipientName: string
  purpose: string
}

/**
 * The consent that answers a disclosure, and what the engine is told of it: a live consent
 * of this person naming this category, recipient (kind and name) and purpose; otherwise the
 * nearest one, so the register can say why (withdrawn, expired), or none at all.
 */
export function consentFor(
  consents: readonly ConsentRecord[],
  ask: ConsentAsk,
  today: string,
): {
  state: ConsentState
  consentId?: string
  engine?: {
    isLive: boolean
    matchesCategory: boolean
    matchesRecipient: boolean
    matchesPurpose: boolean
    isExplicit: boolean
  }
} {
  const own = consents.filter((c) => c.personId === ask.personId)
  const score = (c: ConsentRecord) => ({
    matchesCategory: c.category === ask.category,
    matchesRecipient:
      c.recipientKind === ask.recipientKind &&
      sameRecipientName(c.recipientName, ask.recipientName),
    matchesPurpose: c.purpose === ask.purpose,
    isExplicit: EXPLICIT_EVIDENCE.includes(c.evidence),
  })
  const full = own.filter((c) => {
    const s = score(c)
    return s.matchesCategory && s.matchesRecipient && s.matchesPurpose
  })
  // Where several stand, the one in the parent's own word answers first (explicit permission).
  const live = full
    .filter((c) => consentStateOn(c, today) === 'live')
    .sort((a, b) => Number(score(b).isExplicit) - Number(score(a).isExplicit))[0]
  if (live)
    return {
      state: 'live',
      consentId: live.id,
      engine: { isLive: true, ...score(live) },
    }
  const nearest = [...full].sort((a, b) => (a.givenOn < b.givenOn ? 1 : -1))[0]
  if (nearest)
    return {
      state: consentStateOn(nearest, today),
      consentId: nearest.id,
      engine: { isLive: false, ...score(nearest) },
    }
  return { state: 'none' }
}
