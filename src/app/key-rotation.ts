import { HavenError } from '../domain/errors.ts'
import type { Db } from '../storage/database.ts'
import { readKeyFile, removeKeyFile, replaceKeyFile, writeNewKeyFile } from '../storage/key-file.ts'
import { listSealedValues, rewriteSealedValue } from '../storage/sealed-values.ts'
import { appendAuditEntry } from '../storage/audit-log.ts'
import { carryLedgerKey } from './disposal-ledger-file.ts'
import {
  masterKeyFrom,
  newMasterKeyBytes,
  resealUnderNewMaster,
  type MasterKey,
} from './field-crypto.ts'

/**
 * Rotates the master key (ENGINEERING.md §5): a new key is written beside the old one as
 * FILE.next; then, in one transaction, every value sealed under the old key (family keys,
 * second-factor secrets, queued messages, certificate references, the key check) is sealed
 * again under the new one; then FILE.next replaces FILE. A crash before the commit leaves the
 * old key in force (FILE.next is discarded at the next start); a crash after it is finished at
 * the next start, which finds that FILE.next is the database's key. Nothing is ever lost.
 * Before the transaction, the disposal ledger's own key is sealed under the new master key
 * and appended to the ledger, so both keys go on verifying it (src/app/disposal-ledger-file.ts).
 */
export async function rotateMasterKey(
  db: Db,
  current: MasterKey,
  file: string,
  now: Date,
  ledgerFile: string | undefined,
): Promise<{ resealed: number }> {
  const next = `${file}.next`
  if (readKeyFile(next) !== undefined)
    throw new HavenError(
      'conflict',
      `${next} exists: a rotation was interrupted; start Haven once to finish or discard it`,
    )
  const bytes = newMasterKeyBytes()
  if (!writeNewKeyFile(next, bytes))
    throw new HavenError(
      'conflict',
      `${next} appeared while rotating; is another rotation running?`,
    )
  const fresh = masterKeyFrom(bytes)
  try {
    await carryLedgerKey(ledgerFile, current, fresh)
  } catch (error) {
    // Nothing is sealed under the new key yet: it goes, so the next rotation may start.
    removeKeyFile(next)
    throw error
  }
  const resealed = await db.transaction().execute(async (trx) => {
    const values = await listSealedValues(trx)
    for (const value of values) {
      const purpose =
        value.purpose === 'family'
          ? { kind: 'family' as const, familyId: value.id }
          : value.purpose === 'key-check'
            ? { kind: 'key-check' as const }
            : { kind: 'master' as const, purpose: value.purpose }
      await rewriteSealedValue(
        trx,
        value,
        resealUnderNewMaster(current, fresh, purpose, value.sealed),
      )
    }
    await appendAuditEntry(trx, {
      centreId: undefined,
      at: now.toISOString(),
      type: 'keys.rotated',
      actorId: 'operator',
      subjectId: undefined,
      details: { resealed: values.length },
    })
    return values.length
  })
  replaceKeyFile(next, file)
  return { resealed }
}
