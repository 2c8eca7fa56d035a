import {
  closeSync,
  copyFileSync,
  fsyncSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs'
import path from 'node:path'
import { sql } from 'kysely'
import {
  backupFileName,
  backupTakenAt,
  isBackupDue,
  planRotation,
  type DatedBackup,
  type KeepCounts,
} from '../domain/backup-rotation.ts'
import { HavenError } from '../domain/errors.ts'
import type { AppContext } from './context.ts'
import { writeBackup } from './backup.ts'

/**
 * Backups on a schedule, rotated, and copied to a second place (issue 18; decision 0045).
 * The server calls `takeScheduledBackup` each minute; a timer unit runs `haven backup --out
 * DIR` and `haven backup rotate`, which use the same functions.
 */
export interface BackupSchedule {
  dir: string
  /** UK time of day, HH:MM. */
  at: string
  copyDir: string | undefined
  keep: KeepCounts
}

/** The dated backups in a folder (haven-YYYYMMDDTHHMMSSZ.backup); other files are left out. */
export function listBackups(dir: string): DatedBackup[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (error) {
    throw new HavenError(
      'unavailable',
      `cannot read the backup folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    )
  }
  return names.flatMap((name) => {
    const takenAt = backupTakenAt(name)
    return takenAt === undefined ? [] : [{ name, takenAt }]
  })
}

/** The newest dated backup in a folder, or undefined when it holds none. */
export function newestBackup(dir: string): string | undefined {
  const newest = listBackups(dir).sort((a, b) => b.takenAt.getTime() - a.takenAt.getTime())[0]
  return newest === undefined ? undefined : path.join(dir, newest.name)
}

/** The folder must exist and be a folder: a drive not mounted is reported, never filled. */
export function assertFolder(dir: string, what: string): void {
  let isFolder: boolean
  try {
    isFolder = statSync(dir).isDirectory()
  } catch {
    isFolder = false
  }
  if (!isFolder)
    throw new HavenError(
      'unavailable',
      `the ${what} ${dir} is not there (is the drive mounted?); no backup was written to it`,
    )
}

/**
 * Copies a backup into another folder: written under a temporary name, synced, renamed, and
 * the folder synced, so the second place never holds half a backup under a backup's name.
 */
export function copyBackup(file: string, dir: string): string {
  assertFolder(dir, 'second backup folder')
  const target = path.join(dir, path.basename(file))
  const temporary = `${target}.partial`
  rmSync(temporary, { force: true })
  copyFileSync(file, temporary)
  const fd = openSync(temporary, 'r+')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(temporary, target)
  syncFolder(dir)
  return target
}

function syncFolder(dir: string): void {
  let fd: number | undefined
  try {
    fd = openSync(dir, 'r')
    fsyncSync(fd)
  } catch {
    // Some file systems (network shares) cannot sync a folder; the file itself was synced.
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Applies rotation to one folder: deletes the dated backups the plan does not keep. */
export function rotateBackups(dir: string, keep: KeepCounts): { kept: number; removed: string[] } {
  const plan = planRotation(listBackups(dir), keep)
  for (const name of plan.remove) rmSync(path.join(dir, name), { force: true })
  return { kept: plan.keep.length, removed: plan.remove }
}

/**
 * Runs `work` only where no other process of this installation is running it: on PostgreSQL
 * under a session advisory lock (several servers against one database: one takes the backup,
 * the others skip); SQLite is served by one process, whose own ticks follow one another.
 * Returns undefined when another process holds the lock.
 */
export async function whileHoldingBackupLock<T>(
  ctx: AppContext,
  work: () => Promise<T>,
): Promise<T | undefined> {
  if (ctx.dialect !== 'postgres') return work()
  return ctx.db.connection().execute(async (connection) => {
    const { rows } = await sql<{
      locked: boolean
    }>`select pg_try_advisory_lock(${BACKUP_LOCK}::bigint) as locked`.execute(connection)
    if (rows[0]?.locked !== true) return undefined
    try {
      return await work()
    } finally {
      await sql`select pg_advisory_unlock(${BACKUP_LOCK}::bigint)`.execute(connection)
    }
  })
}

/** The advisory lock's key: "haven-bk" as a number. Advisory locks are per database. */
const BACKUP_LOCK = String(0x686176656e2d626bn)

export interface ScheduledOutcome {
  /** The backup written, or undefined when none was due (or another process took it). */
  file: string | undefined
  copy: string | undefined
  removed: string[]
}

/**
 * Takes the day's backup if it is due at `ctx.now()` (see `isBackupDue`), copies it to the
 * second place, and rotates both folders. A failure to copy is thrown after the backup is
 * written and rotated in the first place, so the server's log names it; while the newest
 * backup is missing from the second place, each later call copies it again (a drive mounted
 * again catches up within the minute).
 */
export async function takeScheduledBackup(
  ctx: AppContext,
  schedule: BackupSchedule,
): Promise<ScheduledOutcome> {
  const none: ScheduledOutcome = { file: undefined, copy: undefined, removed: [] }
  assertFolder(schedule.dir, 'backup folder')
  // Checked before the lock too, so the minute's tick costs a folder read when nothing is due.
  if (!isDue(ctx, schedule) && copyMissing(schedule) === undefined) return none
  const outcome = await whileHoldingBackupLock(ctx, async () => {
    // Read again under the lock: another process may have just done it.
    if (isDue(ctx, schedule))
      return backUpAndCopy(ctx, schedule.dir, schedule.copyDir, schedule.keep)
    const missing = copyMissing(schedule)
    if (missing === undefined || schedule.copyDir === undefined) return none
    const copy = copyBackup(missing, schedule.copyDir)
    return {
      file: undefined,
      copy,
      removed: rotateBackups(schedule.copyDir, schedule.keep).removed,
    }
  })
  return outcome ?? none
}

function isDue(ctx: AppContext, schedule: BackupSchedule): boolean {
  return isBackupDue(ctx.now(), schedule.at, listBackups(schedule.dir))
}

/** The newest backup when the second place does not hold it yet; otherwise undefined. */
function copyMissing(schedule: BackupSchedule): string | undefined {
  if (schedule.copyDir === undefined) return undefined
  const newest = newestBackup(schedule.dir)
  if (newest === undefined) return undefined
  let copied: boolean
  try {
    copied = statSync(path.join(schedule.copyDir, path.basename(newest))).isFile()
  } catch {
    copied = false
  }
  return copied ? undefined : newest
}

/**
 * A dated backup in `dir`, rotated there, copied to `copyDir` and rotated there too: what the
 * schedule does when due, and what `haven backup --out DIR` does at once.
 */
export async function backUpAndCopy(
  ctx: AppContext,
  dir: string,
  copyDir: string | undefined,
  keep: KeepCounts | undefined,
): Promise<ScheduledOutcome & { rows: number; tables: number }> {
  const file = path.join(dir, backupFileName(ctx.now()))
  const made = await writeBackup(ctx, file)
  syncFolder(dir)
  const removed = keep === undefined ? [] : rotateBackups(dir, keep).removed
  let copy: string | undefined
  if (copyDir !== undefined) {
    copy = copyBackup(file, copyDir)
    if (keep !== undefined) removed.push(...rotateBackups(copyDir, keep).removed)
  }
  return { file, copy, removed, ...made }
}
