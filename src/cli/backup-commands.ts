import { existsSync } from 'node:fs'
import path from 'node:path'
import { restoreBackup, writeBackup } from '../app/backup.ts'
import type { Command } from './commands.ts'
import { UsageError } from './commands.ts'
import { requiredString, withHaven } from './support.ts'

/** Encrypted backups of the whole installation, and restores that honour the disposal ledger. */
const backupCommand: Command = {
  path: ['backup'],
  summary: 'Write an encrypted, consistent backup of everything while Haven runs',
  usage: 'haven backup --out FILE',
  details: [
    'The backup is encrypted under a key derived from the master key: keep that key, and the',
    'disposal ledger beside it, somewhere other than the backups (docs/decisions/0016).',
  ],
  options: { out: { type: 'string' } },
  async run(values, _positionals, io) {
    const out = path.resolve(io.cwd, requiredString(values, 'out'))
    return withHaven(io, async (haven) => {
      const made = await writeBackup(haven.ctx, out)
      io.out(`backup written to ${out}: ${String(made.rows)} rows of ${String(made.tables)} tables`)
      return 0
    })
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

export const BACKUP_COMMANDS: readonly Command[] = [backupCommand, restoreCommand]
