import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { openDatabase } from '../storage/database.ts'
import { migrateToLatest } from '../storage/migrate.ts'
import { ephemeralAuditSigningKey } from './audit-keys.ts'
import { restoreBackup } from './backup.ts'
import type { AppContext } from './context.ts'
import type { MasterKey } from './field-crypto.ts'

/**
 * The restore drill (issue 18; decision 0045): restores a backup into a scratch SQLite
 * database in a temporary folder, whichever engine it was taken from (the format is the same),
 * and compares each table's rows with the backup's own count of them, taken in the snapshot.
 * The live database is never opened: the drill needs only the master key and the file. The
 * disposal ledger is not applied (it would change the counts; `haven restore` applies it).
 */
export interface DrillTable {
  table: string
  expected: number
  restored: number
}

export interface DrillOutcome {
  createdAt: string
  tables: DrillTable[]
  passed: boolean
}

export async function drillBackup(
  file: string,
  masterKey: MasterKey,
  now: () => Date = () => new Date(),
): Promise<DrillOutcome> {
  const scratchDir = mkdtempSync(path.join(tmpdir(), 'haven-drill-'))
  try {
    const database = await openDatabase({
      dataDir: scratchDir,
      mayCreateDataDir: false,
      databaseUrl: undefined,
    })
    try {
      await migrateToLatest(database.db)
      const ctx: AppContext = {
        db: database.db,
        dialect: database.dialect,
        now,
        newId: randomUUID,
        masterKey,
        publicUrl: 'http://localhost',
        compiledPolicies: new Map(),
        auditKey: ephemeralAuditSigningKey(),
        disposalLedgerFile: undefined,
      }
      const restored = await restoreBackup(ctx, file, undefined)
      const names = [
        ...new Set([...Object.keys(restored.expected), ...Object.keys(restored.restoredCounts)]),
      ]
      const tables = names.map((table) => ({
        table,
        expected: restored.expected[table] ?? 0,
        restored: restored.restoredCounts[table] ?? 0,
      }))
      return {
        createdAt: restored.createdAt,
        tables,
        passed: tables.every((t) => t.expected === t.restored),
      }
    } finally {
      await database.close()
    }
  } finally {
    rmSync(scratchDir, { recursive: true, force: true })
  }
}
