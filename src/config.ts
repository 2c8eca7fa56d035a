import { isIP } from 'node:net'
import path from 'node:path'

/**
 * Haven's configuration, read once from the environment at start-up. A bad value stops
 * start-up with one line naming the variable (ConfigError); nothing is guessed.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface Config {
  port: number
  host: string
  dataDir: string
  /** True when HAVEN_DATA_DIR was left to its default, so Haven may create the folder. */
  isDefaultDataDir: boolean
  databaseUrl: string | undefined
  /**
   * PostgreSQL's connection pool: at most `size` connections; a request waits at most `waitMs`
   * for one, and at most `maxWaiting` requests wait; beyond, 503 with Retry-After (0029).
   */
  databasePool: { size: number; waitMs: number; maxWaiting: number }
  logLevel: LogLevel
  /** Create the demo centre on first start with an empty database. */
  isDemoEnabled: boolean
  masterKeyFile: string
  /** The Ed25519 key that signs audit checkpoints: outside the database, beside the master key. */
  auditKeyFile: string
  /** The disposal ledger (RETAIN): ids of what was destroyed, kept beside the keys, outliving backups. */
  disposalLedgerFile: string
  /** Minutes between signed audit checkpoints written by the server (0: none). */
  auditCheckpointMinutes: number
  /**
   * Where every checkpoint signed is also appended, one JSON line each: a file outside the
   * database (another volume), for `haven audit verify --checkpoints`. Undefined: none.
   */
  auditCheckpointFile: string | undefined
  /** Between the timed checkpoints, a chain that moved on by this many entries is signed. */
  auditCheckpointEntries: number
  /** Largest request body accepted, in bytes. */
  bodyLimitBytes: number
  /** Set the Secure flag on cookies and send HSTS: Haven is served over TLS. */
  isBehindTls: boolean
  /** Proxies (addresses or CIDR ranges) whose X-Forwarded-For names the client. */
  trustedProxies: string[]
  /** The address people use to reach Haven, for links in invitations and resets. */
  publicUrl: string
  /** True when HAVEN_PUBLIC_URL was not set, so the server may use the address it listens on. */
  isPublicUrlDefault: boolean
  /** Where to send mail from the outbox; undefined: `haven outbox deliver` prints it. */
  smtpUrl: string | undefined
  mailFrom: string
  /**
   * HAVEN_BACKUP_DIR: where the server writes a backup every day (docs/decisions/0045).
   * Undefined: the server takes no scheduled backups (a timer may run `haven backup`).
   */
  backupDir: string | undefined
  /** HAVEN_BACKUP_AT: the UK time of day (HH:MM, 24-hour) the daily backup is due; 02:30. */
  backupAt: string
  /**
   * HAVEN_BACKUP_COPY_DIR: a second place (a mounted drive, a synced folder) each new backup
   * is copied to, and rotated in alike. It must exist: an unmounted drive is reported, not
   * filled in its mount point. Undefined: no copy.
   */
  backupCopyDir: string | undefined
  /**
   * HAVEN_BACKUP_KEEP_DAILY, _WEEKLY, _MONTHLY: how many backups rotation keeps, the newest
   * of each of the last N days, ISO weeks and months (UK dates) that have one; 7, 5 and 12.
   */
  backupKeep: { daily: number; weekly: number; monthly: number }
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const LOG_LEVELS: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
]

export type Environment = Readonly<Record<string, string | undefined>>

/** Parses and validates the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Environment, cwd: string): Config {
  const dataDirRaw = nonEmpty(env, 'HAVEN_DATA_DIR')
  const dataDir = path.resolve(cwd, dataDirRaw ?? './data')
  const masterKeyFile = path.resolve(
    cwd,
    nonEmpty(env, 'HAVEN_MASTER_KEY_FILE') ?? path.join(dataDir, 'master.key'),
  )
  const port = integer(env, 'PORT', 3000, 0, 65535)
  const host = nonEmpty(env, 'HOST') ?? '127.0.0.1'
  return {
    port,
    host,
    publicUrl: publicUrl(env, host, port),
    isPublicUrlDefault: env.HAVEN_PUBLIC_URL === undefined,
    smtpUrl: smtpUrl(env),
    mailFrom: nonEmpty(env, 'HAVEN_MAIL_FROM') ?? 'Haven <haven@localhost>',
    dataDir,
    isDefaultDataDir: dataDirRaw === undefined,
    databaseUrl: databaseUrl(env),
    databasePool: {
      size: integer(env, 'HAVEN_DB_POOL_SIZE', 10, 1, 1_000),
      waitMs: integer(env, 'HAVEN_DB_WAIT_MS', 3_000, 10, 60_000),
      maxWaiting: integer(env, 'HAVEN_DB_MAX_WAITING', 500, 0, 100_000),
    },
    logLevel: logLevel(env),
    isDemoEnabled: boolean(env, 'HAVEN_DEMO', true),
    masterKeyFile,
    auditKeyFile: path.resolve(
      cwd,
      nonEmpty(env, 'HAVEN_AUDIT_KEY_FILE') ??
        path.join(path.dirname(masterKeyFile), 'audit-signing.key'),
    ),
    disposalLedgerFile: path.resolve(
      cwd,
      nonEmpty(env, 'HAVEN_DISPOSAL_LEDGER_FILE') ??
        path.join(path.dirname(masterKeyFile), 'disposal-ledger.jsonl'),
    ),
    auditCheckpointMinutes: integer(env, 'HAVEN_AUDIT_CHECKPOINT_MINUTES', 5, 0, 10_080),
    auditCheckpointFile: optionalPath(env, 'HAVEN_AUDIT_CHECKPOINT_FILE', cwd),
    auditCheckpointEntries: integer(env, 'HAVEN_AUDIT_CHECKPOINT_ENTRIES', 1_000, 1, 10_000_000),
    bodyLimitBytes: integer(env, 'HAVEN_BODY_LIMIT_BYTES', 100_000, 1_000, 50_000_000),
    isBehindTls: boolean(env, 'HAVEN_TLS', false),
    trustedProxies: trustedProxies(env),
    backupDir: optionalPath(env, 'HAVEN_BACKUP_DIR', cwd),
    backupAt: timeOfDay(env, 'HAVEN_BACKUP_AT', '02:30'),
    backupCopyDir: optionalPath(env, 'HAVEN_BACKUP_COPY_DIR', cwd),
    backupKeep: {
      daily: integer(env, 'HAVEN_BACKUP_KEEP_DAILY', 7, 1, 10_000),
      weekly: integer(env, 'HAVEN_BACKUP_KEEP_WEEKLY', 5, 0, 10_000),
      monthly: integer(env, 'HAVEN_BACKUP_KEEP_MONTHLY', 12, 0, 10_000),
    },
  }
}

/** A time of day, HH:MM on the 24-hour clock (UK time where it is used). */
function timeOfDay(env: Environment, name: string, fallback: string): string {
  const raw = nonEmpty(env, name)
  if (raw === undefined) return fallback
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(raw))
    throw new ConfigError(`${name} must be a time of day as HH:MM (e.g. 02:30), not "${raw}"`)
  return raw
}

function optionalPath(env: Environment, name: string, cwd: string): string | undefined {
  const raw = nonEmpty(env, name)
  return raw === undefined ? undefined : path.resolve(cwd, raw)
}

/**
 * HAVEN_TRUSTED_PROXIES: the proxies whose X-Forwarded-For is believed, as addresses or
 * CIDR ranges separated by commas (`127.0.0.1, 10.0.0.0/8, ::1`). Unset: none, and the
 * client is the socket's peer.
 */
function trustedProxies(env: Environment): string[] {
  const raw = nonEmpty(env, 'HAVEN_TRUSTED_PROXIES')
  if (raw === undefined) return []
  const entries = raw.split(',').map((entry) => entry.trim())
  for (const entry of entries) {
    if (!isAddressOrRange(entry)) {
      throw new ConfigError(
        `HAVEN_TRUSTED_PROXIES: "${entry.slice(0, 60)}" is not an IP address or CIDR range (e.g. 10.0.0.0/8)`,
      )
    }
  }
  return entries
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || extra !== undefined) return false
  if (prefix === undefined) return true
  if (!/^\d{1,3}$/.test(prefix)) return false
  return Number(prefix) <= (family === 4 ? 32 : 128)
}

function nonEmpty(env: Environment, name: string): string | undefined {
  const value = env[name]
  if (value === undefined) return undefined
  if (value.trim() === '')
    throw new ConfigError(`${name} is set but empty; unset it or give a value`)
  return value.trim()
}

function integer(
  env: Environment,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = nonEmpty(env, name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw))
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max)
    throw new ConfigError(`${name} must be from ${min} to ${max}, not ${raw}`)
  return value
}

function boolean(env: Environment, name: string, fallback: boolean): boolean {
  const raw = nonEmpty(env, name)?.toLowerCase()
  if (raw === undefined) return fallback
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true
  if (['0', 'false', 'no', 'off'].includes(raw)) return false
  throw new ConfigError(`${name} must be true or false, not "${raw}"`)
}

function publicUrl(env: Environment, host: string, port: number): string {
  const raw = nonEmpty(env, 'HAVEN_PUBLIC_URL')
  if (raw === undefined) {
    const shown = host === '0.0.0.0' || host === '::' ? 'localhost' : host
    return `http://${shown}:${port}`
  }
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError('HAVEN_PUBLIC_URL is not a URL; expected https://haven.example.org')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError('HAVEN_PUBLIC_URL must start with https:// or http://')
  }
  return url.toString().replace(/\/+$/, '')
}

function smtpUrl(env: Environment): string | undefined {
  const raw = nonEmpty(env, 'HAVEN_SMTP_URL')
  if (raw === undefined) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError('HAVEN_SMTP_URL is not a URL; expected smtp://user:password@host:587')
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError('HAVEN_SMTP_URL must start with smtp:// or smtps://')
  }
  return raw
}

function logLevel(env: Environment): LogLevel {
  const raw = nonEmpty(env, 'LOG_LEVEL')?.toLowerCase()
  if (raw === undefined) return 'info'
  const level = LOG_LEVELS.find((candidate) => candidate === raw)
  if (!level)
    throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${raw}"`)
  return level
}

function databaseUrl(env: Environment): string | undefined {
  const raw = nonEmpty(env, 'DATABASE_URL')
  if (raw === undefined) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError('DATABASE_URL is not a URL; expected postgres://user@host:5432/database')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(
      `DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}//`,
    )
  }
  if (url.pathname.length <= 1)
    throw new ConfigError('DATABASE_URL names no database; add /database to the end')
  return raw
}
