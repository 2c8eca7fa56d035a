import { ukDateTime, ukToday } from './calendar.ts'

/**
 * Which backups to keep and which to delete (issue 18; docs/decisions/0045): the newest
 * backup of each of the last N UK days that have one, of each of the last N ISO weeks, and of
 * each of the last N months. Days, weeks and months are the UK's (a backup at 00:30 BST is of
 * that UK day, though it is still the day before in UTC). "The last N that have one", not the
 * last N on the calendar: a server that was off for a month still keeps its older backups
 * rather than losing every one. Pure: the caller lists the files and deletes.
 */
export interface KeepCounts {
  daily: number
  weekly: number
  monthly: number
}

export interface DatedBackup {
  name: string
  takenAt: Date
}

export type KeepReason = 'daily' | 'weekly' | 'monthly'

export interface RotationPlan {
  /** Newest first, each with why it is kept. */
  keep: { name: string; reasons: KeepReason[] }[]
  /** Newest first. */
  remove: string[]
}

/** The file name of a backup taken at an instant: haven-20261202T023000Z.backup (UTC). */
export function backupFileName(at: Date): string {
  const iso = at.toISOString()
  return `haven-${iso.slice(0, 10).replaceAll('-', '')}T${iso.slice(11, 19).replaceAll(':', '')}Z.backup`
}

const NAME = /^haven-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z\.backup$/

/**
 * When a backup was taken, from its file name; undefined for a name that is not a backup's
 * (a file rotation never touches). `date -u +haven-%Y%m%dT%H%M%SZ.backup` makes such a name.
 */
export function backupTakenAt(name: string): Date | undefined {
  const match = NAME.exec(name)
  if (!match) return undefined
  const [, y, mo, d, h, mi, s] = match
  const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}Z`)
  return Number.isNaN(at.getTime()) || backupFileName(at) !== name ? undefined : at
}

/** The ISO 8601 week of a calendar date (YYYY-MM-DD), as 2026-W53: weeks start on Monday. */
export function isoWeekOf(date: string): string {
  const day = new Date(`${date}T00:00:00Z`)
  const weekday = (day.getUTCDay() + 6) % 7
  // The week belongs to the year of its Thursday.
  const thursday = new Date(day.getTime() + (3 - weekday) * 86_400_000)
  const year = thursday.getUTCFullYear()
  const dayOfYear = Math.round((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000)
  const week = 1 + Math.floor(dayOfYear / 7)
  return `${String(year)}-W${String(week).padStart(2, '0')}`
}

export function planRotation(backups: readonly DatedBackup[], keep: KeepCounts): RotationPlan {
  const newestFirst = [...backups].sort(
    (a, b) => b.takenAt.getTime() - a.takenAt.getTime() || b.name.localeCompare(a.name),
  )
  const reasons = new Map<string, KeepReason[]>()
  const pick = (reason: KeepReason, count: number, periodOf: (ukDate: string) => string) => {
    const seen = new Set<string>()
    for (const backup of newestFirst) {
      if (seen.size >= count) break
      const period = periodOf(ukToday(backup.takenAt))
      if (seen.has(period)) continue
      seen.add(period)
      reasons.set(backup.name, [...(reasons.get(backup.name) ?? []), reason])
    }
  }
  pick('daily', keep.daily, (date) => date)
  pick('weekly', keep.weekly, isoWeekOf)
  pick('monthly', keep.monthly, (date) => date.slice(0, 7))
  return {
    keep: newestFirst
      .filter((b) => reasons.has(b.name))
      .map((b) => ({ name: b.name, reasons: reasons.get(b.name) ?? [] })),
    remove: newestFirst.filter((b) => !reasons.has(b.name)).map((b) => b.name),
  }
}

/**
 * Whether the day's scheduled backup is due at `now`: the UK time of day has reached `at`
 * (HH:MM) and no backup was taken since that moment today. A server started after the time
 * takes the day's backup at once; on the night the clocks go forward, 01:30 never comes and
 * the backup is taken at 02:00; on the night they go back, 01:30 comes twice and one is taken.
 */
export function isBackupDue(now: Date, at: string, backups: readonly DatedBackup[]): boolean {
  const wallClock = ukDateTime(now)
  const scheduled = `${wallClock.slice(0, 10)}T${at}`
  if (wallClock < scheduled) return false
  return !backups.some((b) => {
    const taken = ukDateTime(b.takenAt)
    return taken >= scheduled && b.takenAt.getTime() <= now.getTime() + 60_000
  })
}
