import { readFileSync } from 'node:fs'
import path from 'node:path'
import { publicKeyFromPem, publicKeyPem } from '../app/audit-keys.ts'
import {
  auditCheckpoints,
  parseCheckpointFile,
  verifyAuditLog,
  writeAuditCheckpoints,
} from '../app/audit-trail.ts'
import type { AuditSource } from '../storage/audit-stream.ts'
import { UsageError, type Command } from './commands.ts'
import { withHaven } from './support.ts'
import { appendCheckpointFile } from '../app/checkpoint-file.ts'
import { rotateMasterKey } from '../app/key-rotation.ts'
import { loadConfig } from '../config.ts'

/** The audit log at the machine: verify it, sign a checkpoint, hand checkpoints out. */
const verifyCommand: Command = {
  path: ['audit', 'verify'],
  summary: 'Check the audit log: every entry and every signed checkpoint; names the first bad one',
  usage: 'haven audit verify [--checkpoints FILE] [--public-key FILE]',
  details: [
    '--checkpoints FILE  also check the log against checkpoints held outside the database:',
    '                    what export-checkpoints handed out, or HAVEN_AUDIT_CHECKPOINT_FILE.',
    '                    A log wiped, cut short or recomputed since they were made fails',
    '--public-key FILE   check checkpoints against this Ed25519 public key (PEM) instead of',
    "                    the server's own key: the one an outside party was given",
    'Exits 0 when the log holds, 1 naming the first bad entry when anything was changed,',
    'removed, inserted or reordered. Without --checkpoints, entries after the last checkpoint',
    'someone outside holds can be rewritten with the checkpoints in the database: see',
    'docs/OUTWARD.md for the window that remains.',
  ],
  options: { 'public-key': { type: 'string' }, checkpoints: { type: 'string' } },
  async run(values, _positionals, io) {
    const anchorsFile = values.checkpoints
    const anchors =
      typeof anchorsFile === 'string'
        ? parseCheckpointFile(readText(path.resolve(io.cwd, anchorsFile)))
        : []
    const file = values['public-key']
    return withHaven(
      io,
      async (haven) => {
        const publicKey =
          typeof file === 'string' ? publicKeyFromPem(readText(file)) : haven.ctx.auditKey.publicKey
        const config = loadConfig(io.env, io.cwd)
        const source: AuditSource =
          config.databaseUrl === undefined
            ? { dialect: 'sqlite', file: haven.database.location }
            : { dialect: 'postgres', url: config.databaseUrl }
        const result = await verifyAuditLog(haven.ctx.db, publicKey, { source, anchors })
        if (result.problem) {
          io.err(
            `audit log: ${chainName(result.problem.chain)}, entry ${String(result.problem.seq)} ${result.problem.problem}`,
          )
          return 1
        }
        io.out(
          `audit log holds: ${String(result.entries)} entries in ${String(result.chains)} chains, ${String(result.checkpoints)} signed checkpoints${typeof anchorsFile === 'string' ? `, ${String(result.anchors)} checkpoints from ${anchorsFile}` : ''}`,
        )
        return 0
      },
      // Checked against a key given from outside, the log needs no signing key here.
      { isAuditKeyOptional: typeof file === 'string' },
    )
  },
}

const checkpointCommand: Command = {
  path: ['audit', 'checkpoint'],
  summary:
    'Sign a checkpoint of the newest entry of every audit chain that moved on, and print them as JSON',
  usage: 'haven audit checkpoint',
  details: [
    'One chain per centre, and one for the installation. Prints the checkpoints signed now,',
    'or, when no chain moved on, the newest one of each. The server also signs them on a timer',
    '(HAVEN_AUDIT_CHECKPOINT_MINUTES). Each one signed is also appended to',
    'HAVEN_AUDIT_CHECKPOINT_FILE when it is set.',
  ],
  options: {},
  async run(_values, _positionals, io) {
    return withHaven(io, async (haven) => {
      const written = await writeAuditCheckpoints(haven.ctx.db, haven.ctx.auditKey, haven.ctx.now())
      const handOut = loadConfig(io.env, io.cwd).auditCheckpointFile
      if (handOut !== undefined) appendCheckpointFile(handOut, written)
      const latest =
        written.length > 0 ? written : newestOfEachChain(await auditCheckpoints(haven.ctx.db))
      if (latest.length === 0) {
        io.err('the audit log is empty: nothing to sign')
        return 1
      }
      io.out(JSON.stringify(latest))
      return 0
    })
  },
}

const exportCommand: Command = {
  path: ['audit', 'export-checkpoints'],
  summary: 'Print every signed checkpoint and the public key, to hand to someone outside',
  usage: 'haven audit export-checkpoints',
  details: ['One JSON document: { publicKey, keyId, checkpoints }. It holds no personal data.'],
  options: {},
  async run(_values, _positionals, io) {
    return withHaven(io, async (haven) => {
      io.out(
        JSON.stringify(
          {
            publicKey: publicKeyPem(haven.ctx.auditKey),
            keyId: haven.ctx.auditKey.keyId,
            checkpoints: await auditCheckpoints(haven.ctx.db),
          },
          null,
          2,
        ),
      )
      return 0
    })
  },
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    throw new UsageError(`cannot read ${file}`)
  }
}

const rotateCommand: Command = {
  path: ['keys', 'rotate'],
  summary: 'Rotate the master key: every family key and secret sealed again under a new one',
  usage: 'haven keys rotate',
  details: [
    'Writes the new key to HAVEN_MASTER_KEY_FILE.next, re-seals everything in one transaction,',
    'then puts the new file in place. Interrupted, it is finished (or undone) at the next start.',
    'Back up the new key file afterwards: the old one no longer opens this database.',
  ],
  options: {},
  async run(_values, _positionals, io) {
    const file = loadConfig(io.env, io.cwd).masterKeyFile
    return withHaven(io, async (haven) => {
      const { resealed } = await rotateMasterKey(
        haven.ctx.db,
        haven.ctx.masterKey,
        file,
        haven.ctx.now(),
        haven.ctx.disposalLedgerFile,
      )
      io.out(
        `master key rotated: ${String(resealed)} sealed values re-sealed; ${file} holds the new key`,
      )
      return 0
    })
  },
}

export const AUDIT_COMMANDS: readonly Command[] = [
  verifyCommand,
  checkpointCommand,
  exportCommand,
  rotateCommand,
]

function chainName(chain: string): string {
  return chain === '' ? 'the installation chain' : `the chain of centre ${chain}`
}

function newestOfEachChain<T extends { chain: string; seq: number }>(checkpoints: T[]): T[] {
  const newest = new Map<string, T>()
  for (const c of checkpoints) {
    const seen = newest.get(c.chain)
    if (!seen || seen.seq < c.seq) newest.set(c.chain, c)
  }
  return [...newest.values()]
}
