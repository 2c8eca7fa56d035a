import { chmodSync, statSync, type Stats } from 'node:fs'

/**
 * Haven's files are its user's alone (SECURE): the data folder 0700; the database, its WAL
 * and shared-memory files, the keys, the disposal ledger and every backup 0600. Haven makes
 * them so when it creates them, and at every start it takes away what group and others may
 * do with ones that already exist (a database made by an older Haven, a key copied in with
 * the default mode). When it cannot (a file of another user, a read-only mount), it refuses
 * to start, in one line naming the file; so does a folder shared with others (world-writable
 * or sticky, such as /tmp), which is never a data folder of its own.
 */
export class PrivateFileError extends Error {
  override name = 'PrivateFileError'
}

export const PRIVATE_FILE_MODE = 0o600
const OPEN_TO_OTHERS = 0o077
const SHARED = 0o1002

/** Takes group's and others' access away from an existing file; a missing one is left alone. */
export function keepFilePrivate(file: string, what: string): void {
  const stats = statOrUndefined(file, what)
  if (stats === undefined || (stats.mode & OPEN_TO_OTHERS) === 0) return
  tighten(file, what, stats, 'chmod 600')
}

/** Takes group's and others' access away from an existing folder, or refuses a shared one. */
export function keepFolderPrivate(dir: string, what: string): void {
  const stats = statOrUndefined(dir, what)
  if (stats === undefined || (stats.mode & OPEN_TO_OTHERS) === 0) return
  if ((stats.mode & SHARED) !== 0)
    throw new PrivateFileError(
      `the ${what} ${dir} is shared with other users (mode ${modeOf(stats)}); give Haven a folder of its own`,
    )
  tighten(dir, what, stats, 'chmod 700')
}

function tighten(file: string, what: string, stats: Stats, advice: string): void {
  try {
    chmodSync(file, stats.mode & 0o7700)
  } catch (error) {
    throw new PrivateFileError(
      `the ${what} ${file} is open to other users (mode ${modeOf(stats)}) and Haven cannot change that (${codeOf(error)}); ${advice} it as its owner`,
    )
  }
}

function statOrUndefined(file: string, what: string): Stats | undefined {
  try {
    return statSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new PrivateFileError(`cannot read the ${what} ${file} (${codeOf(error)})`)
  }
}

function modeOf(stats: Stats): string {
  return (stats.mode & 0o7777).toString(8).padStart(4, '0')
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? 'unknown error'
}
