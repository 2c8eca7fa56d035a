import { HavenError } from '../domain/errors.ts'
import type { Db } from '../storage/database.ts'
import { findKeyCheck, insertKeyCheck } from '../storage/key-check.ts'
import { readKeyFile, removeKeyFile, replaceKeyFile, writeNewKeyFile } from '../storage/key-file.ts'
import {
  isKeyCheckValid,
  masterKeyFrom,
  newMasterKeyBytes,
  sealKeyCheck,
  type MasterKey,
} from './field-crypto.ts'

/**
 * Loads the master key that wraps every family key, and proves it is this database's key.
 * A new database gets a new key file; a database that already has protected data and no key
 * file, or the wrong one, stops start-up: Haven never replaces a key, since every protected
 * field would be lost.
 */
export async function loadMasterKey(db: Db, file: string, now: Date): Promise<MasterKey> {
  const sealedCheck = await findKeyCheck(db)
  finishInterruptedRotation(file, sealedCheck)
  const existing = readKeyFile(file)
  if (existing === undefined && sealedCheck !== undefined) {
    throw new HavenError(
      'unavailable',
      `the master key file ${file} is missing, and this database was made with one; restore it or set HAVEN_MASTER_KEY_FILE`,
    )
  }
  const key = masterKeyFrom(existing ?? createKeyFile(file))
  if (sealedCheck === undefined) {
    await insertKeyCheck(db, sealKeyCheck(key), now.toISOString())
    const stored = await findKeyCheck(db)
    if (stored !== undefined && !isKeyCheckValid(key, stored)) throw wrongKey(file)
  } else if (!isKeyCheckValid(key, sealedCheck)) {
    throw wrongKey(file)
  }
  return key
}

/**
 * A rotation (src/app/key-rotation.ts) that stopped half way: if the database already opens
 * with FILE.next, the rotation committed and FILE.next becomes the key; otherwise it never
 * committed and FILE.next is discarded.
 */
function finishInterruptedRotation(file: string, sealedCheck: string | undefined): void {
  const next = `${file}.next`
  const candidate = readKeyFile(next)
  if (candidate === undefined) return
  if (sealedCheck !== undefined && isKeyCheckValid(masterKeyFrom(candidate), sealedCheck))
    replaceKeyFile(next, file)
  else removeKeyFile(next)
}

function createKeyFile(file: string): Buffer {
  const bytes = newMasterKeyBytes()
  if (writeNewKeyFile(file, bytes)) return bytes
  const written = readKeyFile(file)
  if (written === undefined)
    throw new HavenError('unavailable', `the master key file ${file} vanished while starting`)
  return written
}

function wrongKey(file: string): HavenError {
  return new HavenError(
    'unavailable',
    `the master key in ${file} is not the key this database was made with`,
  )
}
