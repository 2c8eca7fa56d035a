// The list of breached passwords (decision 0020): how long the first load takes, what it
// keeps in memory, and what a Set of the same strings would keep instead; how long a check
// takes. Run: node --expose-gc bench/breached-passwords.ts. Writes nothing.
import { readFileSync } from 'node:fs'
import { BREACHED_PASSWORDS_FILE, breachedPasswords } from '../src/app/breached-passwords.ts'
import { breachedListKey, PASSWORD_MIN_LENGTH_UNCOMMON } from '../src/domain/password-rules.ts'

const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with node --expose-gc')
const settle = (): number => {
  gc()
  gc()
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers
}

const before = settle()
const started = performance.now()
const list = breachedPasswords()
const loadMs = performance.now() - started
const kept = settle() - before

function fileAsSet(): Set<string> {
  const lines = readFileSync(BREACHED_PASSWORDS_FILE, 'utf8').split('\n')
  return new Set(
    lines
      .filter((entry) => entry.length >= PASSWORD_MIN_LENGTH_UNCOMMON)
      .map((entry) => breachedListKey(entry)),
  )
}
const beforeSet = settle()
const asSet = fileAsSet()
const setBytes = settle() - beforeSet
const lineCount = readFileSync(BREACHED_PASSWORDS_FILE, 'utf8').split('\n').filter(Boolean).length
const entries = [...asSet]

const probes = entries.slice(0, 50_000).map((entry) => `${entry}!x`)
const checkStarted = performance.now()
let hits = 0
for (const probe of probes) if (list.has(probe) && !asSet.has(probe)) hits += 1
const checkUs = ((performance.now() - checkStarted) * 1000) / probes.length

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`
console.log('| the list of breached passwords | |')
console.log('|---|---|')
console.log(`| lines in the file | ${lineCount.toLocaleString('en-GB')} |`)
console.log(
  `| distinct entries kept (8+ characters, case folded) | ${list.size.toLocaleString('en-GB')} |`,
)
console.log(`| first load (read, hash, sort) | ${loadMs.toFixed(0)} ms |`)
console.log(`| kept in memory: sorted 53-bit hashes | ${mb(kept)} |`)
console.log(`| a Set of the same strings would keep | ${mb(setBytes)} |`)
console.log(
  `| one check | ${checkUs.toFixed(2)} µs (${hits} false hits in ${probes.length} unlisted probes) |`,
)
