/**
 * What `haven doctor` says of an installation: one check a line, each ok, warn or fail
 * (issue 18). The judgements here are pure: the facts are gathered by src/app/doctor.ts.
 *
 * fail: something is wrong now, or a promise Haven makes (keys kept, disposals lasting,
 * backups made) is broken: the command exits 1. warn: worth the operator's attention, but
 * Haven works and keeps its promises (a default that a small installation may keep).
 */
export type CheckStatus = 'ok' | 'warn' | 'fail'

export interface Check {
  name: string
  status: CheckStatus
  detail: string
}

export const ok = (name: string, detail: string): Check => ({ name, status: 'ok', detail })
export const warn = (name: string, detail: string): Check => ({ name, status: 'warn', detail })
export const fail = (name: string, detail: string): Check => ({ name, status: 'fail', detail })

/** 1 when any check failed; warnings alone do not. */
export function doctorExitCode(checks: readonly Check[]): number {
  return checks.some((check) => check.status === 'fail') ? 1 : 0
}

/** One line: status, name and detail in columns ("ok    keys        master key present"). */
export function checkLine(check: Check, nameWidth: number): string {
  return `${check.status.padEnd(6)}${check.name.padEnd(nameWidth + 2)}${check.detail}`
}

/** A file mode as four octal digits. */
export function modeText(mode: number): string {
  return (mode & 0o7777).toString(8).padStart(4, '0')
}

/**
 * What is wrong with a file or folder of Haven's own, from its stat: owned by another user,
 * or open to group or others. Undefined when nothing is.
 */
export function ownershipProblem(
  stats: { uid: number; mode: number },
  runningUid: number | undefined,
  fix: string,
): string | undefined {
  if (runningUid !== undefined && stats.uid !== runningUid)
    return `owned by user ${String(stats.uid)}, not by the user running Haven (${String(runningUid)})`
  if ((stats.mode & 0o077) !== 0)
    return `mode ${modeText(stats.mode)}: readable or writable by others than Haven's user; ${fix}`
  return undefined
}

/** The running Node's major version against the one Haven is built for. */
export function judgeNodeVersion(running: string, requiredMajor: number): Check {
  const major = Number(/^v?(\d+)/.exec(running)?.[1] ?? 0)
  const shown = running.startsWith('v') ? running : `v${running}`
  return major >= requiredMajor
    ? ok('node', `Node.js ${shown} (${String(requiredMajor)} or newer required)`)
    : fail(
        'node',
        `Node.js ${shown} is older than ${String(requiredMajor)}, which Haven needs; install Node.js ${String(requiredMajor)}`,
      )
}

/**
 * The process's time zone. Haven shows every time to people in UK time (Europe/London)
 * whatever the machine's zone, so any zone works; but a zone other than the UK's or UTC makes
 * the machine's own logs and timers (a backup timer, the journal) disagree with Haven's pages:
 * a warning. A Node.js that does not know Europe/London at all (built without time-zone data)
 * would show wrong times: a failure.
 */
export function judgeTimeZone(zone: string, knowsLondon: boolean): Check {
  if (!knowsLondon)
    return fail(
      'time zone',
      'this Node.js does not know the Europe/London time zone, so UK times cannot be shown; install a Node.js with full time-zone data',
    )
  if (zone === 'Europe/London' || zone === 'UTC' || zone === 'Etc/UTC')
    return ok('time zone', `${zone}; Haven shows UK times (Europe/London)`)
  return warn(
    'time zone',
    `${zone}: Haven shows UK times (Europe/London) whatever this is, but the machine's logs and timers run in ${zone}; set TZ=Europe/London or UTC`,
  )
}

/** The clock is sane when it is not behind the newest audit entry (a minute's leeway). */
export function judgeClock(now: Date, newestEntryAt: string | undefined): Check {
  if (newestEntryAt === undefined)
    return ok('clock', `${now.toISOString()}; the audit log is empty`)
  const behind = Date.parse(newestEntryAt) - now.getTime()
  if (behind > 60_000)
    return fail(
      'clock',
      `${now.toISOString()} is before the newest audit entry (${newestEntryAt}): the clock is wrong; set it right (NTP) before Haven writes more`,
    )
  return ok('clock', `${now.toISOString()}, after the newest audit entry`)
}

const DAY = 86_400_000

/** An age in words: minutes, hours or days. */
export function ageText(ms: number): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000))
  if (minutes < 120) return `${String(minutes)} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${String(hours)} hours`
  return `${String(Math.floor(hours / 24))} days`
}

/** Backups: warn when the newest is over 2 days old, fail over 8; none at all is at least a warning. */
export const BACKUP_WARN_DAYS = 2
export const BACKUP_FAIL_DAYS = 8

export function judgeBackupAge(
  now: Date,
  newestBackupAt: string | undefined,
  installedAt: string | undefined,
): Check {
  if (newestBackupAt === undefined) {
    const age = installedAt === undefined ? 0 : now.getTime() - Date.parse(installedAt)
    return age > BACKUP_FAIL_DAYS * DAY
      ? fail(
          'backup',
          `no backup has ever been made, and the installation is ${ageText(age)} old; run haven backup (and schedule it)`,
        )
      : warn('backup', 'no backup has been made yet; run haven backup (and schedule it)')
  }
  const age = now.getTime() - Date.parse(newestBackupAt)
  const said = `the newest backup was made ${ageText(age)} ago (${newestBackupAt})`
  if (age > BACKUP_FAIL_DAYS * DAY) return fail('backup', `${said}; backups have stopped`)
  if (age > BACKUP_WARN_DAYS * DAY) return warn('backup', `${said}; back up at least daily`)
  return ok('backup', said)
}

/**
 * Checkpoints handed out: warn when an audit entry has waited over a day for an exported
 * checkpoint, fail over 8 days (the server exports every few minutes while it runs).
 */
export const CHECKPOINT_WARN_DAYS = 1
export const CHECKPOINT_FAIL_DAYS = 8

export function judgeCheckpointAge(
  now: Date,
  newestExportedAt: string | undefined,
  oldestUncoveredAt: string | undefined,
): Check {
  const name = 'checkpoints'
  const newest =
    newestExportedAt === undefined
      ? 'no checkpoint exported yet'
      : `the newest exported checkpoint is ${ageText(now.getTime() - Date.parse(newestExportedAt))} old`
  if (oldestUncoveredAt === undefined) return ok(name, `${newest}; it covers the whole audit log`)
  const waiting = now.getTime() - Date.parse(oldestUncoveredAt)
  const said = `${newest}; audit entries have waited ${ageText(waiting)} for one`
  if (waiting > CHECKPOINT_FAIL_DAYS * DAY)
    return fail(name, `${said}: is the server running (haven serve), or run haven audit checkpoint`)
  if (waiting > CHECKPOINT_WARN_DAYS * DAY)
    return warn(name, `${said}: is the server running (haven serve), or run haven audit checkpoint`)
  return ok(name, said)
}

/**
 * Whether whoever runs `haven` may read families (decision 0047). One centre on its own
 * server: the operator is the centre's own, and `centre` is right. Several centres with
 * `centre`: whoever runs the command reads every centre's families, the all-seeing
 * administrator issue 18 rules out, so it fails. Demo centres hold no one's records.
 */
export function judgeOperatorScope(scope: 'centre' | 'installation', realCentres: number): Check {
  const name = 'operator'
  if (scope === 'installation')
    return ok(
      name,
      `HAVEN_OPERATOR_SCOPE=installation: the haven command reads no family (${String(realCentres)} centre${realCentres === 1 ? '' : 's'})`,
    )
  if (realCentres <= 1)
    return ok(
      name,
      "HAVEN_OPERATOR_SCOPE=centre: the haven command acts as the centre's coordinator, right for a centre's own server",
    )
  return fail(
    name,
    `${String(realCentres)} centres and HAVEN_OPERATOR_SCOPE=centre: whoever runs the haven command can read every centre's families; set HAVEN_OPERATOR_SCOPE=installation`,
  )
}
