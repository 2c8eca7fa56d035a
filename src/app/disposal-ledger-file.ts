import { existsSync, readFileSync, statSync } from 'node:fs'
import { open } from 'node:fs/promises'
import path from 'node:path'
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto'
import { HavenError } from '../domain/errors.ts'
import type { LedgerEntry } from '../storage/disposal-runs.ts'
import { syncFolder } from '../storage/key-file.ts'
import { openWithMasterKey, sealWithMasterKey, type MasterKey } from './field-crypto.ts'

/**
 * The disposal ledger file (RETAIN; docs/decisions/0016-backups-and-the-disposal-ledger.md,
 * 0036): one JSON line per thing destroyed (ids, categories, when; never content), each with
 * an HMAC under a key derived from the master key, so a line cannot be forged or changed
 * unnoticed. It lives outside the database, beside the keys.
 *
 * Two phases (issue 16). A disposal's lines are written, with the id of their batch, and
 * synced to disk before its transaction commits (the intent); once it has committed, a mark
 * line says so. Only lines whose batch is marked committed count: a disposal that rolled back
 * (a crash, a failure) leaves lines that never destroy anything at a restore. A crash between
 * the commit and its mark leaves the batch unmarked: the server settles such batches when it
 * starts, from the database's own ledger (committed if its lines are there, abandoned if not).
 * Lines of the first format (no batch) were written before this and count as they did.
 *
 * The ledger's own key. Lines are MAC'd under a key derived from the master key the ledger
 * began under, and that key stays the ledger's for good: `haven keys rotate` appends a key
 * line, the ledger's key sealed under the new master key, before its transaction commits.
 * The new master key finds the ledger's key there; the old one (kept to restore the backups
 * made before the rotation) still derives it. Without this, a rotation left every earlier
 * line unverifiable, and with it the restore that must apply them (RETAIN). A key line that
 * the master key in use does not open (a rotation that never committed, or a later rotation
 * seen with an older key) is passed over: it carries no entries.
 */
const FORMAT = 1
const FORMAT_TWO_PHASE = 2
const FORMAT_KEY = 3
const KEY_PURPOSE = 'disposal-ledger'

export type LedgerMark = 'committed' | 'abandoned'

function derivedKey(master: MasterKey): Buffer {
  return Buffer.from(hkdfSync('sha256', master.bytes, Buffer.alloc(0), 'haven:disposal-ledger', 32))
}

/**
 * One line of the file as JSON, or undefined. A line that does not parse may be a line cut
 * short by a crash with the next append glued to it: the last whole entry in it (every line
 * begins `{"v":`, and no line holds that twice) is the line written after, and is read as
 * such; the cut part, a disposal that never committed, is passed over. The entry read must
 * still verify, so nothing can be slipped in this way; what it can hide, deleting a line
 * hides as well (decision 0051).
 */
function lineOf(line: string): Record<string, unknown> | undefined {
  const parse = (text: string) => {
    try {
      const parsed: unknown = JSON.parse(text)
      return typeof parsed === 'object' && parsed !== null
        ? (parsed as Record<string, unknown>)
        : undefined
    } catch {
      return undefined
    }
  }
  const whole = parse(line)
  if (whole !== undefined) return whole
  const last = line.lastIndexOf('{"v":')
  return last > 0 ? parse(line.slice(last)) : undefined
}

/** The ledger's key as this master key finds it in these lines, or derives it. */
function keyInLines(lines: readonly string[], master: MasterKey): Buffer {
  for (const line of lines) {
    if (!line.includes('"ledgerKey"')) continue
    const parsed = lineOf(line)
    const sealed = parsed?.ledgerKey
    if (parsed?.v !== FORMAT_KEY || typeof sealed !== 'string') continue
    try {
      return openWithMasterKey(master, KEY_PURPOSE, sealed)
    } catch {
      // Sealed under another master key: not this one's line.
    }
  }
  return derivedKey(master)
}

/**
 * The ledger's key is fixed once a file is begun, so each process finds it once per file and
 * master key (the server appends a batch and its mark for every disposal). Kept by the file's
 * identity (device and inode), not its name: a ledger put back in place of another is read
 * afresh. A missing file is not remembered: the file that appears later may hold a key line.
 */
const knownKeys = new WeakMap<MasterKey, Map<string, Buffer>>()

function linesOf(file: string): string[] {
  // The part after the last newline is empty, or a line whose write was cut short.
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(0, -1) : []
}

function identityOf(file: string): string | undefined {
  try {
    const stat = statSync(file)
    return `${String(stat.dev)}:${String(stat.ino)}`
  } catch {
    return undefined
  }
}

function ledgerKey(file: string, master: MasterKey): Buffer {
  const identity = identityOf(file)
  const known = identity === undefined ? undefined : knownKeys.get(master)?.get(identity)
  if (known) return known
  const key = keyInLines(linesOf(file), master)
  if (identity !== undefined) remember(master, identity, key)
  return key
}

function remember(master: MasterKey, identity: string, key: Buffer): void {
  const byFile = knownKeys.get(master) ?? new Map<string, Buffer>()
  byFile.set(identity, key)
  knownKeys.set(master, byFile)
}

/**
 * Before a master key rotation commits (src/app/key-rotation.ts): the ledger's key sealed
 * under the next master key, appended and synced, so that the next key verifies every line
 * written so far and goes on writing under the same key. A missing file is begun with it, so
 * that lines written after the rotation are still read by the old key at a restore of an
 * older backup. Written before the commit: a rotation that never commits leaves a line no
 * kept key opens, which is passed over. A ledger that does not verify under the current key
 * is refused first (HavenError naming the line): carried on, it would hand the next key a
 * key that verifies nothing.
 */
export async function carryLedgerKey(
  file: string | undefined,
  current: MasterKey,
  next: MasterKey,
): Promise<void> {
  if (file === undefined) return
  readLedgerFile(file, current)
  const key = keyInLines(linesOf(file), current)
  await appendLines(
    file,
    `${JSON.stringify({ v: FORMAT_KEY, ledgerKey: sealWithMasterKey(next, KEY_PURPOSE, key) })}\n`,
  )
  if (!keyInLines(linesOf(file), next).equals(key))
    throw new HavenError(
      'internal',
      `the disposal ledger ${file} did not take its key line; nothing was rotated`,
    )
  const identity = identityOf(file)
  if (identity !== undefined) remember(next, identity, key)
}

const body = (e: LedgerEntry, batch?: string): string =>
  JSON.stringify([
    ...(batch === undefined ? [FORMAT] : [FORMAT_TWO_PHASE, batch]),
    e.id,
    e.centreId,
    e.runId,
    e.itemKind,
    e.itemId,
    e.categories,
    e.disposedAt,
  ])
const markBody = (batch: string, mark: LedgerMark): string =>
  JSON.stringify([FORMAT_TWO_PHASE, 'mark', batch, mark])

/**
 * Appends whole lines and syncs them; a new file's folder is synced too, so the file itself
 * survives a power cut. Each append is one write to a file opened for appending, so the lines
 * of two processes sharing the ledger never interleave. A line cut short by a crash is left
 * as it is (cutting it off could cut another process's write in progress): what follows is
 * glued to it, and the reader takes the whole line at its end (`lineOf`).
 */
async function appendLines(file: string, text: string): Promise<void> {
  // Asynchronous, so the server goes on answering while the disk syncs (decision 0028).
  const isNew = !existsSync(file)
  const handle = await open(file, 'a', 0o600)
  try {
    // Private to Haven's user, also when the file was made or copied with a looser mode.
    if (((await handle.stat()).mode & 0o077) !== 0) await handle.chmod(0o600)
    await handle.write(text)
    await handle.sync()
  } finally {
    await handle.close()
  }
  if (isNew) syncFolder(path.dirname(file))
}

/**
 * The intent: a disposal's lines, in one batch, before its transaction commits. Without a
 * batch (only tools and tests that write finished lines), the lines count at once.
 */
export async function appendLedgerFile(
  file: string | undefined,
  master: MasterKey,
  entries: readonly LedgerEntry[],
  batch?: string,
): Promise<void> {
  if (file === undefined || entries.length === 0) return
  const key = ledgerKey(file, master)
  const text = entries
    .map(
      (e) =>
        `${JSON.stringify({ v: batch === undefined ? FORMAT : FORMAT_TWO_PHASE, ...(batch === undefined ? {} : { batch }), ...e, mac: createHmac('sha256', key).update(body(e, batch)).digest('base64') })}\n`,
    )
    .join('')
  await appendLines(file, text)
}

/** The second phase: the batch's transaction committed, or it did not. */
export async function markLedgerBatch(
  file: string | undefined,
  master: MasterKey,
  batch: string,
  mark: LedgerMark,
): Promise<void> {
  if (file === undefined) return
  const mac = createHmac('sha256', ledgerKey(file, master))
    .update(markBody(batch, mark))
    .digest('base64')
  await appendLines(file, `${JSON.stringify({ v: FORMAT_TWO_PHASE, batch, mark, mac })}\n`)
}

/** What the file says: the lines that count, and those that do not yet or never will. */
export interface LedgerReading {
  /** Lines of committed batches (and of the first format), in the order written. */
  entries: LedgerEntry[]
  /** Lines of batches with no mark yet, by batch: a crash between commit and mark, or now. */
  unmarked: Map<string, LedgerEntry[]>
  /** How many lines belong to batches marked abandoned (rolled back: never applied). */
  abandoned: number
}

/**
 * Reads the ledger file, checking every line. A missing file is an empty ledger; a line that
 * does not verify stops everything (HavenError naming the line); an unfinished last line (a
 * write cut short by a crash, whose disposal never committed) is ignored.
 */
export function readLedgerFile(file: string, master: MasterKey): LedgerReading {
  const reading: LedgerReading = { entries: [], unmarked: new Map(), abandoned: 0 }
  if (!existsSync(file)) return reading
  const complete = linesOf(file)
  // Found afresh, not from the cache: this is also what checks the file (doctor, restore).
  const key = keyInLines(complete, master)
  const verifies = (text: string, mac: string) => {
    const expected = createHmac('sha256', key).update(text).digest()
    const given = Buffer.from(mac, 'base64')
    return given.length === expected.length && timingSafeEqual(given, expected)
  }
  const batches = new Map<string, LedgerEntry[]>()
  const marks = new Map<string, LedgerMark>()
  for (const [index, line] of complete.entries()) {
    if (line.trim() === '') continue
    const number = index + 1
    const parsed = lineOf(line)
    // The ledger's key for another master key (see above): no entry to count.
    if (parsed?.v === FORMAT_KEY && typeof parsed.ledgerKey === 'string') continue
    const isTwoPhase = parsed?.v === FORMAT_TWO_PHASE && typeof parsed.batch === 'string'
    if (
      parsed === undefined ||
      (parsed.v !== FORMAT && !isTwoPhase) ||
      typeof parsed.mac !== 'string'
    )
      throw new HavenError(
        'invalid_input',
        `disposal ledger line ${String(number)} is not a ledger entry`,
      )
    const refused = () =>
      new HavenError(
        'invalid_input',
        `disposal ledger line ${String(number)} does not verify: changed, or made under another master key`,
      )
    const batch = isTwoPhase ? String(parsed.batch) : undefined
    if (batch !== undefined && (parsed.mark === 'committed' || parsed.mark === 'abandoned')) {
      if (!verifies(markBody(batch, parsed.mark), parsed.mac)) throw refused()
      // Committed stands whatever follows: a batch settled as abandoned while its disposal
      // was still committing is marked committed after; and no later line, made with any key
      // the ledger has known, brings back what a committed disposal destroyed.
      if (marks.get(batch) !== 'committed') marks.set(batch, parsed.mark)
      continue
    }
    const entry: LedgerEntry = {
      id: String(parsed.id),
      centreId: String(parsed.centreId),
      runId: String(parsed.runId),
      itemKind: String(parsed.itemKind),
      itemId: String(parsed.itemId),
      categories: Array.isArray(parsed.categories) ? parsed.categories.map(String) : [],
      disposedAt: String(parsed.disposedAt),
    }
    if (!verifies(body(entry, batch), parsed.mac)) throw refused()
    if (batch === undefined) reading.entries.push(entry)
    else batches.set(batch, [...(batches.get(batch) ?? []), entry])
  }
  // Batches in the order their lines were written; each counts once its mark is read.
  for (const [batch, entries] of batches) {
    const mark = marks.get(batch)
    if (mark === 'committed') reading.entries.push(...entries)
    else if (mark === 'abandoned') reading.abandoned += entries.length
    else reading.unmarked.set(batch, entries)
  }
  return reading
}
