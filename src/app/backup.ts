import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
} from 'node:crypto'
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import { createGzip, gunzipSync } from 'node:zlib'
import { HavenError } from '../domain/errors.ts'
import {
  countRows,
  findDamage,
  gatherStatistics,
  insertRows,
  listBackupTables,
  readTablePage,
} from '../storage/backup-tables.ts'
import { migrations } from '../storage/migrations/index.ts'
import type { AppContext } from './context.ts'
import type { MasterKey } from './field-crypto.ts'
import { followAuditSequence } from '../storage/audit-log.ts'
import { flushDeletedPages } from '../storage/disposal.ts'
import { openSnapshotReader, type Db } from '../storage/database.ts'
import { recordEvent } from './audit.ts'
import { readLedgerFile, type LedgerReading } from './disposal-ledger-file.ts'
import { reapplyDisposalsIn, type SkippedDisposal } from './disposal-execution.ts'

/**
 * Backups (SECURE, RETAIN; docs/decisions/0016-backups-and-the-disposal-ledger.md).
 *
 * A backup is every table of the installation, read inside one transaction (a consistent
 * snapshot taken while Haven runs), as gzip'd JSON lines, encrypted with AES-256-GCM in
 * chunks under a key derived from the master key. The first line names the format, the
 * installation, the schema and the row counts; every chunk is bound to that header, its
 * position and whether it is the last, so a file cut short, changed, reordered or made by
 * another installation (another master key) is refused before anything is written.
 */
const MAGIC = 'HAVEN-BACKUP 1\n'
const CHUNK = 1 << 20
const IV = 12
const TAG = 16

interface Header {
  format: 1
  installation: string
  createdAt: string
  schema: string
  dialect: string
  tables: Record<string, number>
}

/** The installation's name: derived from its master key, so another key is another Haven. */
export function installationId(master: MasterKey): string {
  return createHmac('sha256', master.bytes).update('haven:installation').digest('hex').slice(0, 16)
}

function backupKey(master: MasterKey, installation: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', master.bytes, Buffer.from(installation), 'haven:backup:v1', 32),
  )
}

function aad(headerLine: string, index: number, isLast: boolean): Buffer {
  const position = Buffer.alloc(5)
  position.writeUInt32BE(index, 0)
  position.writeUInt8(isLast ? 1 : 0, 4)
  return Buffer.concat([createHash('sha256').update(headerLine).digest(), position])
}

/** Writes a backup of everything to `file` (through a temporary file, renamed when whole). */
export async function writeBackup(
  ctx: AppContext,
  file: string,
): Promise<{ tables: number; rows: number }> {
  // On SQLite the backup reads on a connection of its own (a WAL snapshot): the server's
  // connection goes on answering and writing meanwhile (issue 16).
  const reader = await openSnapshotReader(ctx.db)
  try {
    return await backUp(ctx, reader?.db ?? ctx.db, file)
  } finally {
    await reader?.close()
  }
}

async function backUp(
  ctx: AppContext,
  source: Db,
  file: string,
): Promise<{ tables: number; rows: number }> {
  const damage = await findDamage(source, ctx.dialect)
  if (damage !== undefined)
    throw new HavenError(
      'internal',
      `the database file is damaged (${damage.split('\n')[0] ?? ''}); no backup was written: keep the last good backups, and restore one into a new data folder`,
    )
  // Compressed as it is read, on libuv's thread pool: the event loop goes on answering.
  const gzip = createGzip()
  const parts: Buffer[] = []
  gzip.on('data', (chunk: Buffer) => parts.push(chunk))
  const compressed = new Promise<void>((resolve, reject) => {
    gzip.on('end', resolve)
    gzip.on('error', reject)
  })
  let rows = 0
  // One snapshot: SQLite's deferred transaction on its own connection, PostgreSQL's
  // repeatable read (read only: nothing is written in it, so writes go on beside it).
  const snapshot = source.transaction().setIsolationLevel('repeatable read')
  const counts = await (ctx.dialect === 'postgres' ? snapshot.setAccessMode('read only') : snapshot)
    .execute(async (trx) => {
      const tables = await listBackupTables(trx, ctx.dialect)
      const counted: Record<string, number> = {}
      for (const table of tables) {
        counted[table] = 0
        for (
          let after: string | undefined, first = true;
          first || after !== undefined;
          first = false
        ) {
          const page = await readTablePage(trx, ctx.dialect, table, after, 500)
          if (page.rows.length > 0) {
            const lines = page.rows.map((row) => JSON.stringify({ t: table, r: row }))
            gzip.write(`${rows > 0 ? '\n' : ''}${lines.join('\n')}`)
          }
          rows += page.rows.length
          counted[table] += page.rows.length
          after = page.next
        }
      }
      return counted
    })
    .catch((error: unknown) => {
      gzip.destroy()
      throw error
    })
  // Recorded once read, in a transaction of its own: written inside the snapshot, the entry
  // would follow the chain's head as it was when the backup began, and clash with any entry
  // written since (issue 16).
  await ctx.db.transaction().execute((trx) =>
    recordEvent(trx, {
      type: 'backup.made',
      at: ctx.now(),
      details: { tables: Object.keys(counts).length, rows },
    }),
  )
  gzip.end()
  await compressed
  const body = Buffer.concat(parts)
  const installation = installationId(ctx.masterKey)
  const header: Header = {
    format: 1,
    installation,
    createdAt: ctx.now().toISOString(),
    schema: Object.keys(migrations).at(-1) ?? '',
    dialect: ctx.dialect,
    tables: counts,
  }
  const headerLine = `${JSON.stringify(header)}\n`
  const key = backupKey(ctx.masterKey, installation)
  const temporary = `${file}.partial`
  // A backup holds everything: it is private to Haven's user (0600) from its first byte. What
  // an earlier, interrupted backup left is removed rather than reused with its mode.
  rmSync(temporary, { force: true })
  const fd = openSync(temporary, 'wx', 0o600)
  try {
    writeSync(fd, MAGIC + headerLine)
    const count = Math.max(1, Math.ceil(body.length / CHUNK))
    for (let index = 0; index < count; index += 1) {
      const iv = randomBytes(IV)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(aad(headerLine, index, index === count - 1))
      const sealed = Buffer.concat([
        cipher.update(body.subarray(index * CHUNK, (index + 1) * CHUNK)),
        cipher.final(),
        cipher.getAuthTag(),
      ])
      const length = Buffer.alloc(4)
      length.writeUInt32BE(sealed.length)
      writeSync(fd, Buffer.concat([length, iv, sealed]))
    }
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temporary, file)
  return {
    tables: Object.keys(counts).length,
    rows,
  }
}

/** Reads and checks a backup whole: its header, every chunk, the row counts. Writes nothing. */
export function readBackup(
  ctx: AppContext,
  file: string,
): { header: Header; rows: { t: string; r: Record<string, unknown> }[] } {
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch {
    throw new HavenError('invalid_input', `cannot read the backup file ${file}`)
  }
  if (!bytes.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC)))
    throw new HavenError('invalid_input', 'this is not a Haven backup')
  const headerEnd = bytes.indexOf(0x0a, MAGIC.length)
  if (headerEnd < 0)
    throw new HavenError('invalid_input', 'the backup is cut short: its header is incomplete')
  const headerLine = bytes.subarray(MAGIC.length, headerEnd + 1).toString('utf8')
  let parsed: Partial<Record<keyof Header, unknown>>
  try {
    parsed = JSON.parse(headerLine) as Partial<Record<keyof Header, unknown>>
  } catch {
    throw new HavenError('invalid_input', 'the backup header is damaged')
  }
  if (parsed.format !== 1 || typeof parsed.tables !== 'object')
    throw new HavenError('invalid_input', 'this backup is of a format this Haven does not read')
  const header = parsed as Header
  if (header.installation !== installationId(ctx.masterKey))
    throw new HavenError(
      'invalid_input',
      `this backup was made by another Haven installation (${header.installation}), not this one: it needs that installation's master key`,
    )
  const known = Object.keys(migrations)
  if (!known.includes(header.schema))
    throw new HavenError(
      'invalid_input',
      `this backup is from a newer Haven (schema ${header.schema}); upgrade first`,
    )
  const key = backupKey(ctx.masterKey, header.installation)
  const parts: Buffer[] = []
  let offset = headerEnd + 1
  let isLast = false
  for (let index = 0; !isLast; index += 1) {
    if (offset + 4 > bytes.length) throw new HavenError('invalid_input', 'the backup is cut short')
    const length = bytes.readUInt32BE(offset)
    const end = offset + 4 + IV + length
    if (length < TAG || end > bytes.length)
      throw new HavenError('invalid_input', 'the backup is cut short')
    isLast = end === bytes.length
    const iv = bytes.subarray(offset + 4, offset + 4 + IV)
    const sealed = bytes.subarray(offset + 4 + IV, end)
    const decipher = createDecipheriv('aes-256-gcm', key, iv)
    decipher.setAAD(aad(headerLine, index, isLast))
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG))
    try {
      parts.push(
        Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG)), decipher.final()]),
      )
    } catch {
      throw new HavenError(
        'invalid_input',
        isLast
          ? 'the backup does not verify: it was changed, or cut short at a chunk boundary'
          : `the backup does not verify at chunk ${String(index + 1)}: it was changed`,
      )
    }
    offset = end
  }
  const text = gunzipSync(Buffer.concat(parts)).toString('utf8')
  const rows =
    text === ''
      ? []
      : text
          .split('\n')
          .map((line) => JSON.parse(line) as { t: string; r: Record<string, unknown> })
  const counted: Record<string, number> = {}
  for (const row of rows) counted[row.t] = (counted[row.t] ?? 0) + 1
  for (const [table, n] of Object.entries(header.tables))
    if ((counted[table] ?? 0) !== n)
      throw new HavenError('invalid_input', `the backup's ${table} rows do not add up`)
  return { header, rows }
}

/**
 * Restores a backup into this installation's database, which must hold no centre yet, and
 * applies again every disposal the ledger file records (made after the backup was taken), in
 * one transaction: a restore either brings everything back with every later disposal applied,
 * or changes nothing, so nothing destroyed comes back even if it is stopped half way (issue
 * 16). Only ledger lines of disposals that committed count; a family on legal hold or used
 * after its line was written is not destroyed again, and is reported. A backup that fails any
 * check, or a ledger line that does not verify, is refused and nothing is changed.
 * `ledgerFile` undefined: no ledger at all (the command line asks for --without-ledger).
 */
export async function restoreBackup(
  ctx: AppContext,
  file: string,
  ledgerFile: string | undefined,
): Promise<{
  rows: number
  createdAt: string
  reapplied: number
  skipped: SkippedDisposal[]
  /** Ledger lines of disposals not known to have committed: not applied. */
  unmarked: number
  /** The backup's own count of rows per table (its manifest, taken in the snapshot). */
  expected: Record<string, number>
  /**
   * Rows per table as restored, counted inside the restore's transaction before the restore's
   * own audit entry and before any disposal is applied again: what `haven backup drill`
   * compares with `expected`.
   */
  restoredCounts: Record<string, number>
}> {
  const { header, rows } = readBackup(ctx, file)
  const ledger: LedgerReading =
    ledgerFile === undefined
      ? { entries: [], unmarked: new Map(), abandoned: 0 }
      : readLedgerFile(ledgerFile, ctx.masterKey)
  const restored = await ctx.db.transaction().execute(async (trx) => {
    const tables = await listBackupTables(trx, ctx.dialect)
    if ((await countRows(trx, 'centres')) > 0)
      throw new HavenError(
        'conflict',
        'restore into a new, empty database: this one already holds centres',
      )
    const byTable = new Map<string, Record<string, unknown>[]>()
    for (const row of rows) {
      if (!tables.includes(row.t))
        throw new HavenError('invalid_input', `the backup holds an unknown table ${row.t}`)
      const list = byTable.get(row.t) ?? []
      list.push(row.r)
      byTable.set(row.t, list)
    }
    for (const table of tables) {
      const list = byTable.get(table) ?? []
      // This database proved the same master key at start; its own key check row stays.
      if (table === 'key_check' && (await countRows(trx, 'key_check')) > 0) continue
      await insertRows(trx, table, list)
    }
    await followAuditSequence(trx)
    const restoredCounts: Record<string, number> = {}
    for (const table of tables) restoredCounts[table] = await countRows(trx, table)
    await recordEvent(trx, {
      type: 'backup.restored',
      at: ctx.now(),
      details: { rows: rows.length, backupMadeAt: header.createdAt },
    })
    const again = await reapplyDisposalsIn(ctx, trx, ledger.entries)
    return { rows: rows.length, restoredCounts, ...again }
  })
  await flushDeletedPages(ctx.db, ctx.dialect)
  await gatherStatistics(ctx.db)
  return {
    rows: restored.rows,
    createdAt: header.createdAt,
    reapplied: restored.applied,
    skipped: restored.skipped,
    unmarked: [...ledger.unmarked.values()].reduce((n, list) => n + list.length, 0),
    expected: header.tables,
    restoredCounts: restored.restoredCounts,
  }
}
