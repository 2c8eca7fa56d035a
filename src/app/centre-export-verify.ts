import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { auditEntryHash, GENESIS_HASH } from '../domain/audit-chain.ts'
import type { AuditCheckpoint } from '../domain/audit-checkpoint.ts'
import { HavenError } from '../domain/errors.ts'
import { isCheckpointSignedBy, keyIdOf } from './audit-keys.ts'
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  exportSignedText,
  type ExportHeader,
  type ExportTrailer,
} from './centre-export.ts'

/**
 * Checks a centre's export on its own, without any database (docs/decisions/0046): its
 * format and version; every table's rows counted against the header and the trailer, each
 * row of the exported centre; the audit chain from its first entry, each entry following the
 * one before and hashing to what it says; every checkpoint signed by the audit key (the one
 * in the file, or the one given) and matching the entry it names, the newest naming the
 * chain's last entry; and the trailer's digest of the whole file and its signature. Read a
 * line at a time: memory holds the counts and the checkpoints, not the export.
 */
export interface ExportVerification {
  centre: { id: string; slug: string; name: string } | undefined
  exportedAt: string | undefined
  rows: number
  entries: number
  checkpoints: number
  /** The first thing wrong, in words; undefined when the export holds. */
  problem: string | undefined
}

class ExportProblem extends Error {
  override name = 'ExportProblem'
}

export async function verifyCentreExport(
  file: string,
  givenKey?: KeyObject,
): Promise<ExportVerification> {
  const check = new ExportCheck(givenKey)
  let stream: ReturnType<typeof createReadStream>
  try {
    stream = createReadStream(file, { encoding: 'utf8' })
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => {
        resolve()
      })
      stream.once('error', reject)
    })
  } catch {
    throw new HavenError('invalid_input', `cannot read the export ${file}`)
  }
  try {
    for await (const line of createInterface({ input: stream, crlfDelay: Infinity }))
      check.add(line)
    check.finish()
  } catch (error) {
    stream.destroy()
    if (!(error instanceof ExportProblem)) throw error
    return check.result(error.message)
  }
  return check.result(undefined)
}

class ExportCheck {
  private header: ExportHeader | undefined
  private trailer: ExportTrailer | undefined
  private key: KeyObject | undefined
  private readonly digest = createHash('sha256')
  private readonly counted = new Map<string, number>()
  private readonly wanted = new Map<number, string>()
  private newestCheckpoint = 0
  private checkpoints = 0
  private last = { seq: 0, hash: GENESIS_HASH }
  private lineNumber = 0
  private readonly givenKey: KeyObject | undefined

  constructor(givenKey: KeyObject | undefined) {
    this.givenKey = givenKey
  }

  add(text: string): void {
    this.lineNumber += 1
    if (this.trailer) throw new ExportProblem(`line ${String(this.lineNumber)} follows the trailer`)
    let value: Record<string, unknown>
    try {
      value = JSON.parse(text) as Record<string, unknown>
    } catch {
      throw new ExportProblem(`line ${String(this.lineNumber)} is not JSON`)
    }
    if (this.header === undefined) this.readHeader(value.header)
    else if (value.trailer !== undefined) this.trailer = value.trailer as ExportTrailer
    else if (value.table !== undefined) this.readRow(value.table, value.row)
    else if (value.checkpoint !== undefined) this.readCheckpoint(value.checkpoint)
    else if (value.entry !== undefined) this.readEntry(value.entry)
    else throw new ExportProblem(`line ${String(this.lineNumber)} is neither a row nor an entry`)
    if (!this.trailer) this.digest.update(`${text}\n`)
  }

  private readHeader(header: unknown): void {
    const h = (header ?? {}) as Partial<ExportHeader>
    if (h.format !== EXPORT_FORMAT)
      throw new ExportProblem(`this is not a Haven centre export (format "${EXPORT_FORMAT}")`)
    if (h.version !== EXPORT_VERSION)
      throw new ExportProblem(
        `this export is version ${String(h.version)}; this Haven reads version ${String(EXPORT_VERSION)}`,
      )
    if (!h.centre || !h.tables || !h.audit) throw new ExportProblem('the header is incomplete')
    this.header = h as ExportHeader
    try {
      this.key = this.givenKey ?? createPublicKey(h.audit.publicKey)
    } catch {
      throw new ExportProblem("the header's public key is not a key")
    }
  }

  private readRow(table: unknown, row: unknown): void {
    const name = String(table)
    if (this.header?.tables[name] === undefined)
      throw new ExportProblem(
        `line ${String(this.lineNumber)}: a row of "${name}", a table the header does not list`,
      )
    const r = (row ?? {}) as Record<string, unknown>
    const centreId = this.header.centre.id
    const isOther =
      name === 'centres' ? r.id !== centreId : 'centre_id' in r && r.centre_id !== centreId
    if (isOther)
      throw new ExportProblem(
        `line ${String(this.lineNumber)}: a row of "${name}" of another centre`,
      )
    this.counted.set(name, (this.counted.get(name) ?? 0) + 1)
  }

  private readCheckpoint(value: unknown): void {
    const c = value as AuditCheckpoint
    const chain = this.header?.audit.chain
    if (this.last.seq > 0)
      throw new ExportProblem('the checkpoints come after the entries: the file was rearranged')
    if (c.chain !== chain) throw new ExportProblem(`a checkpoint of another chain (${c.chain})`)
    if (!this.key || !isCheckpointSignedBy(c, this.key))
      throw new ExportProblem(
        `the checkpoint of entry ${String(c.seq)} is not signed by the audit key${this.givenKey ? ' given' : ' in the export'}`,
      )
    this.wanted.set(c.seq, c.hash)
    this.newestCheckpoint = Math.max(this.newestCheckpoint, c.seq)
    this.checkpoints += 1
  }

  private readEntry(value: unknown): void {
    const e = value as {
      seq: number
      centreId: string | null
      at: string
      type: string
      actorId: string | null
      subjectId: string | null
      details: string
      prevHash: string
      hash: string
    }
    const expected = this.last.seq + 1
    if (e.seq !== expected)
      throw new ExportProblem(`audit entry ${String(expected)} is missing (found ${String(e.seq)})`)
    const entry = {
      seq: e.seq,
      centreId: e.centreId ?? undefined,
      at: e.at,
      type: e.type,
      actorId: e.actorId ?? undefined,
      subjectId: e.subjectId ?? undefined,
      details: e.details,
    }
    if (e.prevHash !== this.last.hash || auditEntryHash(this.last.hash, entry) !== e.hash)
      throw new ExportProblem(`audit entry ${String(e.seq)} was changed after it was written`)
    const signed = this.wanted.get(e.seq)
    if (signed !== undefined && signed !== e.hash)
      throw new ExportProblem(`audit entry ${String(e.seq)} differs from its signed checkpoint`)
    this.last = { seq: e.seq, hash: e.hash }
  }

  finish(): void {
    const header = this.header
    const trailer = this.trailer
    if (!header) throw new ExportProblem('the export is empty')
    if (!trailer) throw new ExportProblem('the export has no trailer: it was cut short')
    for (const [table, count] of Object.entries(header.tables)) {
      const found = this.counted.get(table) ?? 0
      if (found !== count || trailer.tables[table] !== count)
        throw new ExportProblem(
          `table "${table}": the header says ${String(count)} rows, the trailer ${String(trailer.tables[table])}, the file holds ${String(found)}`,
        )
    }
    if (this.last.seq !== header.audit.entries || trailer.entries !== header.audit.entries)
      throw new ExportProblem(
        `the audit chain: the header says ${String(header.audit.entries)} entries, the file holds ${String(this.last.seq)}`,
      )
    if (this.checkpoints !== header.audit.checkpoints || trailer.checkpoints !== this.checkpoints)
      throw new ExportProblem(
        `the header says ${String(header.audit.checkpoints)} checkpoints, the file holds ${String(this.checkpoints)}`,
      )
    if (this.newestCheckpoint > this.last.seq)
      throw new ExportProblem(
        `a checkpoint names entry ${String(this.newestCheckpoint)}, but the chain ends at ${String(this.last.seq)}: entries were removed`,
      )
    if (this.newestCheckpoint !== this.last.seq)
      throw new ExportProblem(
        `the newest checkpoint covers entry ${String(this.newestCheckpoint)}, not the chain's end (${String(this.last.seq)})`,
      )
    this.checkSignature(header, trailer)
  }

  private checkSignature(header: ExportHeader, trailer: ExportTrailer): void {
    const sha256 = this.digest.digest('hex')
    if (trailer.sha256 !== sha256)
      throw new ExportProblem('the file differs from the digest its trailer names: it was changed')
    const key = this.key
    const isSigned =
      key !== undefined &&
      typeof trailer.signature === 'string' &&
      verify(
        null,
        Buffer.from(exportSignedText(header.centre.id, sha256)),
        key,
        Buffer.from(trailer.signature, 'base64'),
      )
    if (!isSigned)
      throw new ExportProblem(
        `the export is not signed by the audit key${this.givenKey ? ` given (key ${keyIdOf(key ?? this.givenKey)})` : ' in the export'}`,
      )
  }

  result(problem: string | undefined): ExportVerification {
    return {
      centre: this.header?.centre,
      exportedAt: this.header?.exportedAt,
      rows: [...this.counted.values()].reduce((a, b) => a + b, 0),
      entries: this.last.seq,
      checkpoints: this.checkpoints,
      problem,
    }
  }
}
