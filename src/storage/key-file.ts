import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { keepFilePrivate } from './private-files.ts'

export class KeyFileError extends Error {
  override name = 'KeyFileError'
}

/**
 * Reads the master key file (base64 of 32 bytes). Returns undefined when there is none.
 * The file lives outside the database (by default in the data folder, mode 0600; a
 * deployment points HAVEN_MASTER_KEY_FILE at a separate volume or secret mount). A key file
 * open to other users is made private first, or refused (src/storage/private-files.ts).
 */
export function readKeyFile(file: string): Buffer | undefined {
  keepFilePrivate(file, 'master key file')
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new KeyFileError(`cannot read the master key file ${file}: ${(error as Error).message}`)
  }
  const bytes = Buffer.from(text.trim(), 'base64')
  if (bytes.length !== 32)
    throw new KeyFileError(`the master key file ${file} does not hold a 32-byte key in base64`)
  return bytes
}

/**
 * Writes a new key file and returns true; never replaces one that exists (returns false when
 * another process wrote it first).
 */
export function writeNewKeyFile(file: string, key: Buffer): boolean {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    writeDurably(file, `${key.toString('base64')}\n`)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new KeyFileError(`cannot create the master key file ${file}: ${(error as Error).message}`)
  }
}

/** Reads a small secret text file (a PEM key), made private first; undefined when there is none. */
export function readSecretFile(file: string, what = 'key file'): string | undefined {
  keepFilePrivate(file, what)
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new KeyFileError(`cannot read the key file ${file}: ${(error as Error).message}`)
  }
}

/** Writes a new secret text file, mode 0600; false when one already exists (never replaced). */
export function writeNewSecretFile(file: string, text: string): boolean {
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    writeDurably(file, text)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw new KeyFileError(`cannot create the key file ${file}: ${(error as Error).message}`)
  }
}

/** Puts a new key file in place of the old one, atomically (a rename on the same volume). */
export function replaceKeyFile(next: string, file: string): void {
  try {
    renameSync(next, file)
  } catch (error) {
    throw new KeyFileError(`cannot move ${next} to ${file}: ${(error as Error).message}`)
  }
  syncFolder(path.dirname(file))
}

/**
 * A new file (never one that exists: EEXIST), mode 0600, its bytes and its name on disk before
 * this returns. A key is written before the database is sealed under it (the first start, a
 * rotation's FILE.next): a power cut that kept the database's commit and lost the file's
 * bytes or its folder entry would leave the data under a key that exists nowhere.
 */
function writeDurably(file: string, text: string): void {
  const fd = openSync(file, 'wx', 0o600)
  try {
    writeFileSync(fd, text)
    fsyncSync(fd)
  } catch (error) {
    // Made here and not whole (a full disk): gone again, so the next try starts afresh.
    closeSync(fd)
    rmSync(file, { force: true })
    throw error
  }
  closeSync(fd)
  syncFolder(path.dirname(file))
}

/** Syncs a folder's entries (a file made, renamed or removed in it) to disk. */
export function syncFolder(dir: string): void {
  let fd: number
  try {
    fd = openSync(dir, 'r')
  } catch (error) {
    throw new KeyFileError(`cannot open the folder ${dir}: ${(error as Error).message}`)
  }
  try {
    fsyncSync(fd)
  } catch (error) {
    // Some file systems cannot sync a folder; the rename or creation itself has happened.
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EINVAL' && code !== 'ENOTSUP' && code !== 'EISDIR') throw error
  } finally {
    closeSync(fd)
  }
}

export function removeKeyFile(file: string): void {
  rmSync(file, { force: true })
}
