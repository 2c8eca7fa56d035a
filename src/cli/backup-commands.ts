import { existsSync, statSync } from 'node:fs'
import path from 'node:path'
import { restoreBackup, writeBackup } from '../app/backup.ts'
import { drillBackup } from '../app/backup-drill.ts'
import { masterKeyFrom } from '../app/field-crypto.ts'
import { backUpAndCopy, newestBackup, rotateBackups } from '../app/scheduled-backup.ts'
import { loadConfig } from '../config.ts'
import { isHavenError } from '../domain/errors.ts'
import { readKeyFile } from '../storage/key-file.ts'
import type { Command } from './commands.ts'
import { UsageError } from './commands.ts'
import { requiredString, withHaven } from './support.ts'

/** Encrypted backups of the whole installation, and restores that honour the disposal ledger. */
const backupCommand: Command = {
  path: ['backup'],
  summary: 'Write an encrypted, consistent backup of everything while Haven runs',
  usage: 'haven backup --out FILE|FOLDER',
  details: [
    'The backup is encrypted under a key derived from the master key: keep that key, and the',
    'disposal ledger beside it, somewhere other than the backups (docs/decisions/0016).',
    '--out FOLDER   an existing folder: the backup is named by its time',
    '               (haven-YYYYMMDDTHHMMSSZ.backup) and copied to HAVEN_BACKUP_COPY_DIR',
    '               when that is set; then `haven backup rotate` keeps the folders trim.',
  ],
  options: { out: { type: 'string' } },
  async run(values, _positionals, io) {
    const out = path.resolve(io.cwd, requiredString(values, 'out'))
    const isFolder = existsSync(out) && statSync(out).isDirectory()
    return withHaven(io, async (haven) => {
      if (isFolder) {
        const copyDir = loadConfig(io.env, io.cwd).backupCopyDir
        const made = await backUpAndCopy(haven.ctx, out, copyDir, undefined)
        io.out(
          `backup written to ${made.file ?? out}: ${String(made.rows)} rows of ${String(made.tables)} tables`,
        )
        if (made.copy !== undefined) io.out(`copied to ${made.copy}`)
        return 0
      }
      const made = await writeBackup(haven.ctx, out)
      io.out(`backup written to ${out}: ${String(made.rows)} rows of ${String(made.tables)} tables`)
      return 0
    })
  },
}

const rotateCommand: Command = {
  path: ['backup', 'rotate'],
  summary: 'Delete the dated backups that rotation no longer keeps, in both backup folders',
  usage: 'haven backup rotate [--dir FOLDER]',
  details: [
    'Keeps the newest backup of each of the last HAVEN_BACKUP_KEEP_DAILY days (7),',
    'HAVEN_BACKUP_KEEP_WEEKLY ISO weeks (5) and HAVEN_BACKUP_KEEP_MONTHLY months (12) that',
    'have one, in UK dates; deletes the other haven-YYYYMMDDTHHMMSSZ.backup files. Other files',
    'are never touched. Does not open the database.',
    '--dir FOLDER   rotate this folder only (default: HAVEN_BACKUP_DIR and HAVEN_BACKUP_COPY_DIR)',
  ],
  options: { dir: { type: 'string' } },
  run(values, _positionals, io) {
    const config = loadConfig(io.env, io.cwd)
    const folders =
      typeof values.dir === 'string'
        ? [path.resolve(io.cwd, values.dir)]
        : [config.backupDir, config.backupCopyDir].filter((d) => d !== undefined)
    if (folders.length === 0)
      throw new UsageError('set HAVEN_BACKUP_DIR (and HAVEN_BACKUP_COPY_DIR), or name --dir FOLDER')
    for (const folder of folders) {
      const rotated = rotateBackups(folder, config.backupKeep)
      io.out(
        `${folder}: kept ${String(rotated.kept)} backups, deleted ${String(rotated.removed.length)}`,
      )
    }
    return Promise.resolve(0)
  },
}

const drillCommand: Command = {
  path: ['backup', 'drill'],
  summary: 'Restore the newest backup into a scratch database and check every table is whole',
  usage: 'haven backup drill [--from FOLDER|FILE]',
  details: [
    'Restores the newest dated backup (or the file named) into a temporary SQLite database,',
    'whichever engine it came from, and compares each table with the count the backup made of',
    'it while it was taken: one line per table, then "the drill passed", or exit 1 when a',
    'count differs or the backup cannot be read (changed, cut short, another key). The live',
    'database is not opened; the master key (HAVEN_MASTER_KEY_FILE) is needed.',
    '--from FOLDER|FILE   default: HAVEN_BACKUP_DIR',
  ],
  options: { from: { type: 'string' } },
  async run(values, _positionals, io) {
    const config = loadConfig(io.env, io.cwd)
    const from =
      typeof values.from === 'string' ? path.resolve(io.cwd, values.from) : config.backupDir
    if (from === undefined) throw new UsageError('set HAVEN_BACKUP_DIR, or name --from FOLDER')
    const fail = (why: string): number => {
      io.out(`the drill failed: ${why}`)
      return 1
    }
    try {
      const file = existsSync(from) && statSync(from).isDirectory() ? newestBackup(from) : from
      if (file === undefined) return fail(`there is no dated backup in ${from}`)
      const bytes = readKeyFile(config.masterKeyFile)
      if (bytes === undefined)
        return fail(`there is no master key at ${config.masterKeyFile}: the backup cannot be read`)
      io.out(`drilling ${file}`)
      const drill = await drillBackup(file, masterKeyFrom(bytes))
      for (const t of drill.tables)
        io.out(
          `${t.table}: ${String(t.expected)} in the backup, ${String(t.restored)} restored${t.expected === t.restored ? '' : ' — MISMATCH'}`,
        )
      if (!drill.passed) return fail('some tables did not restore whole')
      io.out(`the drill passed: the backup of ${drill.createdAt} restores whole`)
      return 0
    } catch (error) {
      if (isHavenError(error) || error instanceof Error) return fail(error.message)
      throw error
    }
  },
}

const restoreCommand: Command = {
  path: ['restore'],
  summary: 'Restore a backup into a new, empty database, applying the disposal ledger again',
  usage: 'haven restore FILE [--ledger FILE | --without-ledger]',
  details: [
    'The database (HAVEN_DATA_DIR or DATABASE_URL) must hold no centre yet, and the master key',
    'must be the one the backup was made under. In the same transaction, every disposal the',
    'ledger records is applied again, so nothing destroyed since the backup comes back; a',
    'family on legal hold, or used after its line was written, is left and reported.',
    '--ledger FILE      the disposal ledger (default: HAVEN_DISPOSAL_LEDGER_FILE)',
    '--without-ledger   restore with no ledger at all: everything destroyed since the backup',
    '                   comes back. Only when the ledger is truly lost.',
  ],
  options: { ledger: { type: 'string' }, 'without-ledger': { type: 'boolean' } },
  positionals: 1,
  async run(values, positionals, io) {
    const [file, ...rest] = positionals
    if (file === undefined || rest.length > 0) throw new UsageError('name one backup file')
    const isWithoutLedger = values['without-ledger'] === true
    if (isWithoutLedger && typeof values.ledger === 'string')
      throw new UsageError('give --ledger FILE or --without-ledger, not both')
    return withHaven(
      io,
      async (haven) => {
        const named =
          typeof values.ledger === 'string'
            ? path.resolve(io.cwd, values.ledger)
            : haven.ctx.disposalLedgerFile
        if (!isWithoutLedger && (named === undefined || !existsSync(named)))
          throw new UsageError(
            `there is no disposal ledger at ${named ?? '(none configured)'}: a restore without it brings back everything destroyed since the backup was made. Name it with --ledger FILE, or, if it is truly lost, say --without-ledger`,
          )
        if (isWithoutLedger)
          io.err(
            'restoring WITHOUT the disposal ledger: every family and record destroyed since this backup was made comes back, and must be disposed of again by hand',
          )
        const restored = await restoreBackup(
          haven.ctx,
          path.resolve(io.cwd, file),
          isWithoutLedger ? undefined : named,
        )
        io.out(
          `restored ${String(restored.rows)} rows from the backup of ${restored.createdAt}; applied ${String(restored.reapplied)} later disposals again from the ledger`,
        )
        const byReason = (reason: string) =>
          restored.skipped.filter((s) => s.reason === reason).length
        if (restored.skipped.length > 0)
          io.err(
            `not applied again: ${String(byReason('legal_hold'))} on legal hold, ${String(byReason('used_since'))} used after the ledger line was written (families ${restored.skipped.map((s) => s.itemId).join(', ')})`,
          )
        if (restored.unmarked > 0)
          io.err(
            `${String(restored.unmarked)} ledger lines belong to disposals not known to have committed, and were not applied`,
          )
        return 0
      },
      // A new database beside the keys the backup was made under is what a restore fills.
      { isNewDatabaseExpected: true },
    )
  },
}

export const BACKUP_COMMANDS: readonly Command[] = [
  backupCommand,
  rotateCommand,
  drillCommand,
  restoreCommand,
]
