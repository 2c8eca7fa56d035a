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
  summary: 'Restore a backup into a new, empty database, then apply the disposal ledger again',
  usage: 'haven restore FILE [--ledger FILE]',
  details: [
    'The database (HAVEN_DATA_DIR or DATABASE_URL) must hold no centre yet, and the master key',
    'must be the one the backup was made under. Every disposal the ledger records is applied',
    'again, so nothing destroyed since the backup comes back.',
    '--ledger FILE   the disposal ledger (default: HAVEN_DISPOSAL_LEDGER_FILE)',
  ],
  options: { ledger: { type: 'string' } },
  positionals: 1,
  async run(values, positionals, io) {
    const [file, ...rest] = positionals
    if (file === undefined || rest.length > 0) throw new UsageError('name one backup file')
    return withHaven(
      io,
      async (haven) => {
        const ledger =
          typeof values.ledger === 'string'
            ? path.resolve(io.cwd, values.ledger)
            : haven.ctx.disposalLedgerFile
        const restored = await restoreBackup(haven.ctx, path.resolve(io.cwd, file), ledger)
        io.out(
          `restored ${String(restored.rows)} rows from the backup of ${restored.createdAt}; applied ${String(restored.reapplied)} later disposals again from the ledger`,
        )
        return 0
        // A new database beside the keys the backup was made under is what a restore fills.
      },
      { isNewDatabaseExpected: true },
    )
  },
}

export const BACKUP_COMMANDS: readonly Command[] = [backupCommand, restoreCommand]
