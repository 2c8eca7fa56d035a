// Disposal ledger lines for tests: ids only, as a disposal writes them (decisions 0016, 0036).
import {
  appendLedgerFile,
  markLedgerBatch,
  readLedgerFile,
} from '../../src/app/disposal-ledger-file.ts'
import type { MasterKey } from '../../src/app/field-crypto.ts'

/** A ledger line naming the family `family-NAME`. */
export const ledgerEntry = (name: string) => ({
  id: `line-${name}`,
  centreId: 'centre-1',
  runId: 'run-1',
  itemKind: 'family',
  itemId: `family-${name}`,
  categories: ['case_records'],
  disposedAt: '2026-03-14T09:00:00.000Z',
})

/** A disposal's two phases in the ledger file, under a master key: its line, then committed. */
export async function disposeInLedger(file: string, key: MasterKey, name: string): Promise<void> {
  await appendLedgerFile(file, key, [ledgerEntry(name)], `batch-${name}`)
  await markLedgerBatch(file, key, `batch-${name}`, 'committed')
}

/** The families the ledger file says were destroyed, read under a master key. */
export const familiesInLedger = (file: string, key: MasterKey) =>
  readLedgerFile(file, key).entries.map((e) => e.itemId)
