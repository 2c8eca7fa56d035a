/**
 * The terms a family is found by, normalised before they are hashed into the blind index
 * (migration 0015): the same words typed another way ("NGUYEN", "Nguyễn", "nguyen") give the
 * same term. Kinds are prefixes, so a postcode never matches a name:
 *
 * - `n:` a word of a name; `b:` the beginning of one (three letters or more), so "Pen" finds
 *   Penhallow;
 * - `p:` a full postcode without spaces; `o:` its outward part ("Q2"), for a street's worth;
 * - `t:` a phone number's digits, UK numbers from +44 written from 0;
 * - `c:` a child's first and last name with their date of birth, `a:` an adult's full name:
 *   these only for telling a family already held from a new referral.
 */

/** Letters without accents, lower case; other characters become spaces. */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[łŁ]/g, 'l')
    .replace(/[øØ]/g, 'o')
    .replace(/[ßẞ]/g, 'ss')
    .replace(/[æÆ]/g, 'ae')
    .replace(/[đĐðÐ]/g, 'd')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
}

function nameWords(text: string): string[] {
  return foldText(text.replace(/['’]/g, ''))
    .split(' ')
    .filter((w) => w.length >= 2)
}

/** The shortest beginning of a word that finds it. */
export const SHORTEST_BEGINNING = 3

/** A person's name as terms: each word, and each beginning of it. */
export function nameTerms(givenName: string, familyName: string): string[] {
  const terms: string[] = []
  for (const word of nameWords(`${givenName} ${familyName}`)) {
    terms.push(`n:${word}`)
    for (let n = SHORTEST_BEGINNING; n < word.length; n++) terms.push(`b:${word.slice(0, n)}`)
  }
  return terms
}

/** A UK postcode: outward part (area, district) and inward part (sector, unit). */
const POSTCODE = /\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b/gi

/** The postcodes written in an address, as terms. */
export function postcodeTerms(address: string): string[] {
  const terms: string[] = []
  for (const match of address.matchAll(POSTCODE)) {
    const outward = (match[1] ?? '').toUpperCase()
    const inward = (match[2] ?? '').toUpperCase()
    terms.push(`p:${outward}${inward}`, `o:${outward}`)
  }
  return terms
}

/** A phone number's digits, a UK number written from 0 whether it was typed +44 or 0044. */
export function phoneDigits(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  if (/^\+?\s*44/.test(phone.trim()) || digits.startsWith('0044'))
    return `0${digits.replace(/^(00)?44/, '').replace(/^0/, '')}`
  return digits
}

/** The shortest number searched for as a phone number: fewer digits say too little. */
export const SHORTEST_PHONE = 6

export function phoneTerms(phone: string): string[] {
  const digits = phoneDigits(phone)
  return digits.length >= SHORTEST_PHONE ? [`t:${digits}`] : []
}

/** A child, for telling a family already held from a new referral. */
export function childTerm(givenName: string, familyName: string, dateOfBirth: string): string {
  return `c:${nameWords(givenName).join(' ')}|${nameWords(familyName).join(' ')}|${dateOfBirth}`
}

/** An adult's full name, for the same. */
export function adultTerm(givenName: string, familyName: string): string {
  return `a:${nameWords(givenName).join(' ')}|${nameWords(familyName).join(' ')}`
}

/** What a family is found by: every person's name, postcodes and phone numbers. */
export function familyTerms(
  people: readonly {
    givenName: string
    familyName: string
    dateOfBirth?: string | undefined
    isChild: boolean
    address?: string | undefined
    phone?: string | undefined
  }[],
): string[] {
  const terms = new Set<string>()
  for (const p of people) {
    for (const t of nameTerms(p.givenName, p.familyName)) terms.add(t)
    if (p.isChild && p.dateOfBirth) terms.add(childTerm(p.givenName, p.familyName, p.dateOfBirth))
    if (!p.isChild) terms.add(adultTerm(p.givenName, p.familyName))
    for (const t of postcodeTerms(p.address ?? '')) terms.add(t)
    for (const t of phoneTerms(p.phone ?? '')) terms.add(t)
  }
  return [...terms]
}

/**
 * What a search asks for: each of its parts must match (a name and a postcode narrow each
 * other). A postcode, full or outward, is one part; a run of digits (spaces allowed) is a
 * phone number; each other word is a name, matched whole or by its beginning. A reference
 * (F-00012) is found by the caller, not here. Empty when nothing searchable was typed.
 */
export function queryParts(query: string): string[][] {
  const parts: string[][] = []
  let rest = query
  for (const match of query.matchAll(POSTCODE)) {
    parts.push([`p:${(match[1] ?? '').toUpperCase()}${(match[2] ?? '').toUpperCase()}`])
    rest = rest.replace(match[0], ' ')
  }
  for (const phone of rest.match(/\+?[\d][\d\s-]{4,}\d/g) ?? []) {
    const digits = phoneDigits(phone)
    if (digits.length >= SHORTEST_PHONE) {
      parts.push([`t:${digits}`])
      rest = rest.replace(phone, ' ')
    }
  }
  for (const word of rest.split(/\s+/)) {
    if (/^[A-Z]{1,2}\d[A-Z\d]?$/i.test(word)) {
      parts.push([`o:${word.toUpperCase()}`])
      continue
    }
    for (const w of nameWords(word))
      parts.push(w.length >= SHORTEST_BEGINNING ? [`n:${w}`, `b:${w}`] : [`n:${w}`])
  }
  return parts
}
