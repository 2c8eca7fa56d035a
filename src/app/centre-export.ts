import { createHash, sign } from 'node:crypto'
import { HavenError } from '../domain/errors.ts'
import { ukToday } from '../domain/calendar.ts'
import { listAuditCheckpoints, listAuditEntries, findChainHead } from '../storage/audit-log.ts'
import { findCentre } from '../storage/centres.ts'
import { scopeToCentre } from '../storage/centre-scope.ts'
import {
  countCentreRows,
  findFamilyKeys,
  readCentreRowsPage,
} from '../storage/centre-export-rows.ts'
import { openSnapshotReader, type Db } from '../storage/database.ts'
import { migrations } from '../storage/migrations/index.ts'
import { HAVEN_VERSION } from '../version.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { publicKeyPem } from './audit-keys.ts'
import { writeAuditCheckpoints } from './audit-trail.ts'
import { appendCheckpointFile } from './checkpoint-file.ts'
import { EXPORT_TABLES, exportedTables, type TableExport } from './centre-export-tables.ts'
import type { AppContext } from './context.ts'
import { decryptField, openWithMasterKey, unwrapFamilyKey } from './field-crypto.ts'
import { inCentre } from './in-centre.ts'
import { decideAbility } from '../domain/policy/engine.ts'
import { policyActor, policyInForce, refusal } from './policy-access.ts'

/**
 * A centre's export of its own data and audit chain, for when it leaves this installation
 * (issue 18; docs/decisions/0046). JSON lines: a header, then every row of the centre, table
 * by table (EXPORT_TABLES says which and how), then the signed checkpoints of the centre's
 * audit chain and every entry of the chain with its hashes, then a trailer with the counts,
 * the SHA-256 of everything before it and its signature by the audit key. Written as read,
 * from one snapshot: the centre is never in memory whole.
 */
export const EXPORT_FORMAT = 'haven-centre-export'
export const EXPORT_VERSION = 1

export interface ExportHeader {
  format: typeof EXPORT_FORMAT
  version: typeof EXPORT_VERSION
  centre: { id: string; slug: string; name: string }
  exportedAt: string
  haven: string
  /** The newest migration of the schema the rows were read from. */
  schema: string
  /** Rows per table, counted in the snapshot the rows come from. */
  tables: Record<string, number>
  /** Columns left out of exported tables, and why. */
  omitted: Record<string, Record<string, string>>
  /** Sealed columns exported opened, under which names. */
  opened: Record<string, Record<string, string>>
  /** Tables of which nothing is exported, and why. */
  leftOut: Record<string, string>
  audit: { chain: string; entries: number; checkpoints: number; keyId: string; publicKey: string }
}

export interface ExportTrailer {
  tables: Record<string, number>
  entries: number
  checkpoints: number
  /** SHA-256 (hex) of every byte before the trailer's line. */
  sha256: string
  /** Ed25519 by the audit key of `exportSignedText`, base64. */
  signature: string
}

/** The text the trailer's signature covers: the centre and the digest of the export. */
export function exportSignedText(centreId: string, sha256: string): string {
  return `${EXPORT_FORMAT}:v${String(EXPORT_VERSION)}:${centreId}:${sha256}`
}

export interface ExportSummary {
  rows: number
  tables: number
  entries: number
  checkpoints: number
}

/** An export decided and recorded, ready to be written out. */
export interface PreparedExport {
  fileName: string
  /** Writes the export through `write`, which may wait (back pressure). */
  writeTo: (write: (text: string) => Promise<void>) => Promise<ExportSummary>
}

/**
 * Decides and records a centre's export (NDX: family data leaves only through a recorded
 * decision, made by the roles the policy names, `export_centre`; SECURE: from a session that
 * passed its second factor). A refusal is recorded too, and thrown. Once permitted, the
 * export's entry is written in the centre's chain and a checkpoint signed over the chain's
 * end, so the export carries its own record and a signature covering it.
 */
export async function prepareCentreExport(ctx: AppContext, actor: Actor): Promise<PreparedExport> {
  const centre = await findCentre(ctx.db, actor.centreId)
  if (!centre) throw new HavenError('not_found', 'no such centre')
  const decision = await inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const decided = decideAbility(policy, policyActor(actor, 'none'), 'export_centre')
    const base = { at: ctx.now(), centreId: actor.centreId, actorId: actor.accountId }
    if (decided.effect === 'deny') {
      await recordEvent(trx, {
        ...base,
        type: 'centre.export_refused',
        details: { clauses: decided.clauses },
      })
      return decided
    }
    const counts = await countTables(trx, actor.centreId)
    await recordEvent(trx, {
      ...base,
      type: 'centre.exported',
      subjectId: actor.centreId,
      details: {
        clauses: decided.clauses,
        tables: Object.keys(counts).length,
        rows: Object.values(counts).reduce((a, b) => a + b, 0),
      },
    })
    return decided
  })
  // A refusal is committed with its entry, then answered.
  if (decision.effect === 'deny') throw refusal(decision)
  await signCheckpoints(ctx)
  return {
    fileName: `haven-export-${centre.slug}-${ukToday(ctx.now())}.jsonl`,
    writeTo: (write) => writeExport(ctx, centre, write),
  }
}

async function signCheckpoints(ctx: AppContext): Promise<void> {
  const signed = await writeAuditCheckpoints(ctx.db, ctx.auditKey, ctx.now())
  const file = ctx.auditCheckpointing?.file
  if (file !== undefined) appendCheckpointFile(file, signed)
}

async function countTables(db: Db, centreId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {}
  for (const t of exportedTables())
    counts[t.table] = await countCentreRows(db, t.table, t.how, centreId)
  return counts
}

const ATTEMPTS = 5

/**
 * Reads the centre in one snapshot whose audit chain ends where its newest checkpoint is
 * (so the export's chain end is signed); if the chain moved on between the signing and the
 * snapshot (someone at the centre read or wrote meanwhile), signs again and takes a new one.
 * Nothing is written out before the snapshot is the right one.
 */
async function writeExport(
  ctx: AppContext,
  centre: { id: string; slug: string; name: string },
  write: (text: string) => Promise<void>,
): Promise<ExportSummary> {
  // On SQLite a connection of its own (a WAL snapshot): the server goes on meanwhile.
  const reader = await openSnapshotReader(ctx.db)
  try {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
      const snapshot = (reader?.db ?? ctx.db).transaction().setIsolationLevel('repeatable read')
      const summary = await (
        ctx.dialect === 'postgres' ? snapshot.setAccessMode('read only') : snapshot
      ).execute(async (trx) => {
        await scopeToCentre(trx, centre.id)
        const head = await findChainHead(trx, centre.id)
        const checkpoints = await listAuditCheckpoints(trx, centre.id)
        if (head === undefined || checkpoints.at(-1)?.seq !== head.seq) return undefined
        return streamSnapshot(ctx, trx, centre, write)
      })
      if (summary) return summary
      await signCheckpoints(ctx)
    }
  } finally {
    await reader?.close()
  }
  throw new HavenError(
    'unavailable',
    "the centre's audit log kept moving while the export began; try again when the centre is quieter",
  )
}

/** Everything of the centre in this snapshot, written out line by line, in batches. */
async function streamSnapshot(
  ctx: AppContext,
  trx: Db,
  centre: { id: string; slug: string; name: string },
  write: (text: string) => Promise<void>,
): Promise<ExportSummary> {
  const out = new ExportWriter(write)
  const tables = await countTables(trx, centre.id)
  const checkpoints = await listAuditCheckpoints(trx, centre.id)
  const head = await findChainHead(trx, centre.id)
  const header: ExportHeader = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    centre: { id: centre.id, slug: centre.slug, name: centre.name },
    exportedAt: ctx.now().toISOString(),
    haven: HAVEN_VERSION,
    schema: Object.keys(migrations).at(-1) ?? '',
    tables,
    ...describeTables(EXPORT_TABLES),
    audit: {
      chain: centre.id,
      entries: head?.seq ?? 0,
      checkpoints: checkpoints.length,
      keyId: ctx.auditKey.keyId,
      publicKey: publicKeyPem(ctx.auditKey),
    },
  }
  await out.line({ header })
  const written: Record<string, number> = {}
  for (const t of exportedTables()) written[t.table] = await writeTable(ctx, trx, centre.id, t, out)
  for (const checkpoint of checkpoints) await out.line({ checkpoint })
  const entries = await writeChain(trx, centre.id, out)
  const sha256 = out.digest()
  const signature = sign(
    null,
    Buffer.from(exportSignedText(centre.id, sha256)),
    ctx.auditKey.privateKey,
  ).toString('base64')
  const trailer: ExportTrailer = {
    tables: written,
    entries,
    checkpoints: checkpoints.length,
    sha256,
    signature,
  }
  await out.line({ trailer })
  await out.flush()
  return {
    rows: Object.values(written).reduce((a, b) => a + b, 0),
    tables: Object.keys(written).length,
    entries,
    checkpoints: checkpoints.length,
  }
}

function describeTables(
  tables: readonly TableExport[],
): Pick<ExportHeader, 'omitted' | 'opened' | 'leftOut'> {
  const omitted: ExportHeader['omitted'] = {}
  const opened: ExportHeader['opened'] = {}
  const leftOut: ExportHeader['leftOut'] = {}
  for (const t of tables) {
    if (t.how === 'left_out') leftOut[t.table] = t.reason
    if (t.how === 'audit' || t.how === 'left_out') continue
    if (t.omit) omitted[t.table] = { ...t.omit }
    if (t.open)
      opened[t.table] = Object.fromEntries(Object.entries(t.open).map(([c, s]) => [c, s.as]))
  }
  return { omitted, opened, leftOut }
}

const PAGE = 500

async function writeTable(
  ctx: AppContext,
  trx: Db,
  centreId: string,
  t: ReturnType<typeof exportedTables>[number],
  out: ExportWriter,
): Promise<number> {
  let count = 0
  for (let after: string | undefined, first = true; first || after !== undefined; first = false) {
    const page = await readCentreRowsPage(trx, ctx.dialect, t.table, t.how, centreId, after, PAGE)
    const keys =
      t.table === 'people'
        ? await findFamilyKeys(
            trx,
            centreId,
            page.rows.map((r) => String(r.family_id)),
          )
        : undefined
    for (const stored of page.rows) {
      const row = presentRow(ctx, t, stored, keys)
      await out.line({ table: t.table, row })
      count += 1
    }
    after = page.next
  }
  return count
}

/** A stored row as exported: secrets left out, sealed fields opened. */
function presentRow(
  ctx: AppContext,
  t: ReturnType<typeof exportedTables>[number],
  stored: Record<string, unknown>,
  keys: Map<string, { wrappedKey: string; keyVersion: number }> | undefined,
): Record<string, unknown> {
  const row: Record<string, unknown> = {}
  for (const [column, value] of Object.entries(stored)) {
    if (t.omit?.[column] !== undefined) continue
    const sealed = t.open?.[column]
    if (sealed === undefined) row[column] = value
    else row[sealed.as] = openSealed(ctx, sealed.sealedBy, column, stored, value, keys)
  }
  return row
}

function openSealed(
  ctx: AppContext,
  sealedBy: 'family_key' | 'check_certificate',
  column: string,
  stored: Record<string, unknown>,
  value: unknown,
  keys: Map<string, { wrappedKey: string; keyVersion: number }> | undefined,
): string | null {
  if (typeof value !== 'string') return null
  const id = String(stored.id)
  if (sealedBy === 'check_certificate')
    return openWithMasterKey(ctx.masterKey, `check:${id}`, value).toString()
  const familyId = String(stored.family_id)
  const family = keys?.get(familyId)
  // A family whose key was shredded (RETAIN) has nothing left to open.
  if (!family || family.wrappedKey === 'shredded') return null
  const key = unwrapFamilyKey(ctx.masterKey, familyId, family.wrappedKey)
  const field = column.replace(/_ciphertext$/, '')
  return decryptField(
    key,
    { familyId, field: `person:${id}:${field}`, keyVersion: family.keyVersion },
    value,
  )
}

/** Every entry of the centre's chain, in order, with its hashes. */
async function writeChain(trx: Db, chain: string, out: ExportWriter): Promise<number> {
  let count = 0
  let afterLogSeq: number | undefined
  for (;;) {
    const page = await listAuditEntries(trx, {
      chain,
      limit: PAGE,
      ...(afterLogSeq === undefined ? {} : { afterLogSeq }),
    })
    for (const e of page) {
      await out.line({
        entry: {
          seq: e.seq,
          centreId: e.centreId ?? null,
          at: e.at,
          type: e.type,
          actorId: e.actorId ?? null,
          subjectId: e.subjectId ?? null,
          details: e.details,
          prevHash: e.prevHash,
          hash: e.hash,
        },
      })
      count += 1
    }
    if (page.length < PAGE) return count
    afterLogSeq = page.at(-1)?.logSeq
  }
}

const BATCH = 64 * 1024

/** Lines gathered into writes of about 64 KiB, with the digest of every byte written. */
class ExportWriter {
  private readonly hash = createHash('sha256')
  private pending: string[] = []
  private size = 0
  private readonly write: (text: string) => Promise<void>

  constructor(write: (text: string) => Promise<void>) {
    this.write = write
  }

  async line(value: unknown): Promise<void> {
    const text = `${JSON.stringify(value)}\n`
    this.pending.push(text)
    this.size += text.length
    if (this.size >= BATCH) await this.flush()
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return
    const text = this.pending.join('')
    this.pending = []
    this.size = 0
    this.hash.update(text)
    await this.write(text)
  }

  /** The digest of everything given so far (flushed first into the hash, not yet written). */
  digest(): string {
    const text = this.pending.join('')
    const copy = this.hash.copy()
    copy.update(text)
    return copy.digest('hex')
  }
}
