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
  databasePool: {
    size: number
    waitMs: number
    maxWaiting: number
    preparesStatements: boolean
    /** The server's longest wait for a statement's answer; 0: none (decision 0052). */
    answerMs: number
  }
  logLevel: LogLevel
  /**
   * HAVEN_OPERATOR_SCOPE: what whoever runs `haven` at the machine may do (decision 0047).
   * `centre`: act in a centre as its coordinator, as on a centre's own server. `installation`:
   * run the installation only (create, close, back up, migrate), never reading a family.
   */
  operatorScope: OperatorScope
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

/**
 * One setting read from the environment. Whole numbers and true-or-false settings carry the
 * default and limits `loadConfig` uses; the others carry what is shown as their default and
 * what they accept, and are parsed by a function of their own below. docs/OPERATING.md's
 * table is generated from this list (scripts/config-doc.ts), and test/config-doc.test.ts
 * fails when the table is stale or when code reads a variable not declared here.
 */
export type Setting =
  | {
      readonly name: string
      readonly kind: 'integer'
      readonly fallback: number
      readonly min: number
      readonly max: number
      readonly meaning: string
    }
  | {
      readonly name: string
      readonly kind: 'boolean'
      readonly fallback: boolean
      readonly meaning: string
    }
  | {
      readonly name: string
      readonly kind: 'text'
      /** The default as the table shows it (the code below computes it). */
      readonly shownDefault: string
      /** What a value must look like, for the table. */
      readonly accepts: string
      readonly meaning: string
    }

/** Every environment variable Haven reads, once each, in the order the table shows them. */
export const SETTINGS = [
  {
    name: 'PORT',
    kind: 'integer',
    fallback: 3000,
    min: 0,
    max: 65535,
    meaning: 'the port to listen on (0 picks a free one)',
  },
  {
    name: 'HOST',
    kind: 'text',
    shownDefault: '`127.0.0.1`',
    accepts: 'an address',
    meaning:
      'the address to listen on. Behind a proxy on the same machine keep `127.0.0.1`; `0.0.0.0` serves the local network',
  },
  {
    name: 'HAVEN_PUBLIC_URL',
    kind: 'text',
    shownDefault: 'the address Haven listens on',
    accepts: 'an `https://` or `http://` URL',
    meaning:
      'the address people use to reach Haven (`https://haven.example.org`), for the links in invitations, password resets and other messages',
  },
  {
    name: 'HAVEN_SMTP_URL',
    kind: 'text',
    shownDefault: 'unset',
    accepts: 'an `smtp://` or `smtps://` URL',
    meaning:
      'where the outbox sends mail (`smtp://user:password@mail.example.org:587`); the server sends every 15 seconds. Unset: nothing is sent, and `haven outbox deliver` prints the waiting messages',
  },
  {
    name: 'HAVEN_MAIL_FROM',
    kind: 'text',
    shownDefault: '`Haven <haven@localhost>`',
    accepts: 'a name and address',
    meaning:
      'the sender of every message. Keep it plain: a lock screen shows it, so it should name neither the centre nor that it is a contact centre',
  },
  {
    name: 'HAVEN_DATA_DIR',
    kind: 'text',
    shownDefault: '`./data`',
    accepts: 'a folder',
    meaning:
      'the data folder: the SQLite database and, by default, the keys and the disposal ledger. The default folder is created when missing; a folder you name must exist (so an unmounted disk is noticed, not silently replaced by an empty database); a folder that holds keys but whose database is missing, empty or has no schema is refused, naming the file (only `haven restore` fills a new database beside existing keys)',
  },
  {
    name: 'DATABASE_URL',
    kind: 'text',
    shownDefault: 'unset (SQLite)',
    accepts: 'a `postgres://` or `postgresql://` URL naming a database',
    meaning:
      '`postgres://user:password@host:5432/database`: use PostgreSQL instead of SQLite. The role must not be a superuser nor have `BYPASSRLS`. A database on the same machine may be reached through its Unix socket: `postgres://user:password@localhost/database?host=/var/run/postgresql`',
  },
  {
    name: 'HAVEN_DB_POOL_SIZE',
    kind: 'integer',
    fallback: 10,
    min: 1,
    max: 1_000,
    meaning: 'PostgreSQL: the most connections Haven opens at once',
  },
  {
    name: 'HAVEN_DB_WAIT_MS',
    kind: 'integer',
    fallback: 3_000,
    min: 10,
    max: 60_000,
    meaning:
      'PostgreSQL: how many milliseconds a request waits for a free connection (or for a new one to open) before it is answered 503 with `Retry-After` (decision 0029)',
  },
  {
    name: 'HAVEN_DB_ANSWER_MS',
    kind: 'integer',
    fallback: 60_000,
    min: 0,
    max: 3_600_000,
    meaning:
      'PostgreSQL, the server: how many milliseconds a statement, or its wait for a lock, may take; PostgreSQL then cancels it (503 with `Retry-After`). A statement with no answer at all a quarter later (a database frozen, or lost without the connection closing) closes its connection (503), so the pool is never held for good. Not applied while migrating, nor to commands. 0: no limit (decision 0052)',
  },
  {
    name: 'HAVEN_DB_MAX_WAITING',
    kind: 'integer',
    fallback: 500,
    min: 0,
    max: 100_000,
    meaning:
      'PostgreSQL: how many requests may wait for a connection at once; one more is answered 503 with `Retry-After` at once',
  },
  {
    name: 'HAVEN_DB_PREPARED_STATEMENTS',
    kind: 'boolean',
    fallback: true,
    meaning:
      'PostgreSQL: send the statements that have parameters as named prepared statements, parsed once per connection rather than planned on every request (decision 0050). Set `false` behind a connection pooler in transaction mode that does not keep prepared statements (PgBouncer before 1.21, or with `max_prepared_statements` at 0)',
  },
  {
    name: 'HAVEN_MASTER_KEY_FILE',
    kind: 'text',
    shownDefault: '`$HAVEN_DATA_DIR/master.key`',
    accepts: 'a file',
    meaning:
      "the key that wraps every family's key. Created on first start; keep it outside the database and its backups (a separate volume or secret mount). Haven refuses to start without it once protected data exists",
  },
  {
    name: 'HAVEN_AUDIT_KEY_FILE',
    kind: 'text',
    shownDefault: 'beside the master key, `audit-signing.key`',
    accepts: 'a file',
    meaning:
      'the Ed25519 key that signs audit checkpoints. Created on first start, and never again once it has signed a checkpoint: from then on Haven refuses to start without it or with another key; keep it outside the database. `haven audit export-checkpoints` prints its public key for whoever checks the log from outside',
  },
  {
    name: 'HAVEN_DISPOSAL_LEDGER_FILE',
    kind: 'text',
    shownDefault: 'beside the master key, `disposal-ledger.jsonl`',
    accepts: 'a file',
    meaning:
      "the disposal ledger: ids of everything destroyed, each line HMAC'd. Keep it with the keys, away from backups: `haven restore` applies it again so nothing destroyed comes back",
  },
  {
    name: 'HAVEN_AUDIT_CHECKPOINT_MINUTES',
    kind: 'integer',
    fallback: 5,
    min: 0,
    max: 10_080,
    meaning:
      'how often the server signs a checkpoint of the audit log; it signs one more when it stops (0: only by `haven audit checkpoint`)',
  },
  {
    name: 'HAVEN_AUDIT_CHECKPOINT_FILE',
    kind: 'text',
    shownDefault: 'unset',
    accepts: 'a file',
    meaning:
      'a file outside the database (another volume or share) to which every checkpoint is appended as it is signed, one JSON line each; `haven audit verify --checkpoints FILE` checks the log against it, so a log rewritten in the database is caught',
  },
  {
    name: 'HAVEN_AUDIT_CHECKPOINT_ENTRIES',
    kind: 'integer',
    fallback: 1_000,
    min: 1,
    max: 10_000_000,
    meaning:
      'between the timed checkpoints, the server checks each minute and signs any chain that has moved on by this many entries',
  },
  {
    name: 'HAVEN_DEMO',
    kind: 'boolean',
    fallback: true,
    meaning:
      'create the demo centre of synthetic data on first start with an empty database (`haven serve --no-demo` does the same as `false`)',
  },
  {
    name: 'LOG_LEVEL',
    kind: 'text',
    shownDefault: '`info`',
    accepts: LOG_LEVELS.map((level) => `\`${level}\``).join(', '),
    meaning: 'how much goes to the log (JSON lines on standard output)',
  },
  {
    name: 'HAVEN_OPERATOR_SCOPE',
    kind: 'text',
    shownDefault: '`centre`',
    accepts: '`centre`, `installation`',
    meaning:
      "what whoever runs `haven` at the machine may do. `centre`: act in a centre as its coordinator (list its referrals, import, approve disposal), for a centre that runs its own server. `installation`: for a host of several centres; the commands that read or change a centre's families are refused, invitations are finished from the invited address and their links not printed, and `haven centre invite` only replaces a centre's missing coordinator. Unset with two or more real centres, the commands that work inside a centre are refused until it is set (decision 0047)",
  },
  {
    name: 'HAVEN_BODY_LIMIT_BYTES',
    kind: 'integer',
    fallback: 100_000,
    min: 1_000,
    max: 50_000_000,
    meaning:
      "the largest request body accepted, in bytes (413 beyond it); the import page's upload takes at least 12 MiB whatever this says",
  },
  {
    name: 'HAVEN_TLS',
    kind: 'boolean',
    fallback: false,
    meaning:
      '`true` when people reach Haven over HTTPS (a TLS proxy in front): Haven sends HSTS and marks its cookies Secure',
  },
  {
    name: 'HAVEN_TRUSTED_PROXIES',
    kind: 'text',
    shownDefault: 'unset',
    accepts: 'IP addresses or CIDR ranges, separated by commas',
    meaning:
      "the proxies (e.g. `127.0.0.1, ::1`) whose `X-Forwarded-For` names the client, for the limits on guessing per source. Unset: the socket's peer is the client, and the header is ignored (decision 0021)",
  },
  {
    name: 'HAVEN_BACKUP_DIR',
    kind: 'text',
    shownDefault: 'unset',
    accepts: 'a folder',
    meaning:
      'the folder the server writes a backup to every day (`haven-YYYYMMDDTHHMMSSZ.backup`, encrypted), rotated as below. Unset: no scheduled backups (a timer may run `haven backup`). Several server processes must share it (decision 0045)',
  },
  {
    name: 'HAVEN_BACKUP_AT',
    kind: 'text',
    shownDefault: '`02:30`',
    accepts: 'a time of day, HH:MM',
    meaning:
      'the UK time of day the daily backup is due; a server started later that day takes it at once',
  },
  {
    name: 'HAVEN_BACKUP_COPY_DIR',
    kind: 'text',
    shownDefault: 'unset',
    accepts: 'a folder that exists',
    meaning:
      'a second place (a mounted drive, a synced folder) each new backup is copied to and rotated in; a copy that fails is made again once the folder is back',
  },
  {
    name: 'HAVEN_BACKUP_KEEP_DAILY',
    kind: 'integer',
    fallback: 7,
    min: 1,
    max: 10_000,
    meaning: 'rotation keeps the newest backup of each of this many last days with a backup',
  },
  {
    name: 'HAVEN_BACKUP_KEEP_WEEKLY',
    kind: 'integer',
    fallback: 5,
    min: 0,
    max: 10_000,
    meaning: '… and of each of this many last ISO weeks',
  },
  {
    name: 'HAVEN_BACKUP_KEEP_MONTHLY',
    kind: 'integer',
    fallback: 12,
    min: 0,
    max: 10_000,
    meaning: '… and of each of this many last months (UK dates throughout)',
  },
] as const satisfies readonly Setting[]

/** The name of a declared setting: reading any other is a type error. */
export type SettingName = (typeof SETTINGS)[number]['name']
type IntegerName = Extract<(typeof SETTINGS)[number], { kind: 'integer' }>['name']
type BooleanName = Extract<(typeof SETTINGS)[number], { kind: 'boolean' }>['name']

/**
 * Variables read only by the tests, benchmarks and scripts, never by Haven itself; declared
 * so that the check for undeclared reads covers those folders too.
 */
export const DEVELOPMENT_VARIABLES: readonly { name: string; meaning: string }[] = [
  {
    name: 'HAVEN_TEST_POSTGRES_URL',
    meaning:
      'the PostgreSQL server the tests use (default `postgres://postgres@127.0.0.1:5432/postgres`); each suite makes a database of its own and drops it',
  },
  {
    name: 'HAVEN_CHROMIUM',
    meaning: 'the Chromium the page tests drive (default `/usr/bin/chromium`)',
  },
  { name: 'HAVEN_FUZZ_SEED', meaning: "replays test/fuzz.test.ts's run with this seed" },
  { name: 'HAVEN_FUZZ_REQUESTS', meaning: 'how many requests test/fuzz.test.ts sends per engine' },
  { name: 'HAVEN_BENCH_FAMILIES', meaning: 'benchmarks: how many families to make' },
  { name: 'HAVEN_BENCH_PAGE_FAMILIES', meaning: 'the pages benchmark: how many families to make' },
  { name: 'HAVEN_BENCH_SECONDS', meaning: 'the audit benchmark: how long to run' },
  {
    name: 'HAVEN_BENCH_AUDIT_ENTRIES',
    meaning: 'the audit verification benchmark: entries to check',
  },
  {
    name: 'HAVEN_BENCH_VERIFY_POSTGRES',
    meaning: 'the audit verification benchmark: also run on PostgreSQL',
  },
  {
    name: 'HAVEN_BENCH_VERIFY_DIR',
    meaning: 'the audit verification benchmark: a folder where the SQLite log is kept and reused',
  },
  {
    name: 'HAVEN_BENCH_SIZES',
    meaning:
      'the import benchmark: the centre sizes to import, in families (default `100,500,2000`)',
  },
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
  const port = integer(env, 'PORT')
  const host = nonEmpty(env, 'HOST') ?? '127.0.0.1'
  return {
    port,
    host,
    publicUrl: publicUrl(env, host, port),
    isPublicUrlDefault: env['HAVEN_PUBLIC_URL' satisfies SettingName] === undefined,
    smtpUrl: smtpUrl(env),
    mailFrom: nonEmpty(env, 'HAVEN_MAIL_FROM') ?? 'Haven <haven@localhost>',
    dataDir,
    isDefaultDataDir: dataDirRaw === undefined,
    databaseUrl: databaseUrl(env),
    databasePool: {
      size: integer(env, 'HAVEN_DB_POOL_SIZE'),
      waitMs: integer(env, 'HAVEN_DB_WAIT_MS'),
      maxWaiting: integer(env, 'HAVEN_DB_MAX_WAITING'),
      preparesStatements: boolean(env, 'HAVEN_DB_PREPARED_STATEMENTS'),
      answerMs: integer(env, 'HAVEN_DB_ANSWER_MS'),
    },
    logLevel: logLevel(env),
    operatorScope: operatorScope(env),
    isDemoEnabled: boolean(env, 'HAVEN_DEMO'),
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
    auditCheckpointMinutes: integer(env, 'HAVEN_AUDIT_CHECKPOINT_MINUTES'),
    auditCheckpointFile: optionalPath(env, 'HAVEN_AUDIT_CHECKPOINT_FILE', cwd),
    auditCheckpointEntries: integer(env, 'HAVEN_AUDIT_CHECKPOINT_ENTRIES'),
    bodyLimitBytes: integer(env, 'HAVEN_BODY_LIMIT_BYTES'),
    isBehindTls: boolean(env, 'HAVEN_TLS'),
    trustedProxies: trustedProxies(env),
    backupDir: optionalPath(env, 'HAVEN_BACKUP_DIR', cwd),
    backupAt: timeOfDay(env, 'HAVEN_BACKUP_AT', '02:30'),
    backupCopyDir: optionalPath(env, 'HAVEN_BACKUP_COPY_DIR', cwd),
    backupKeep: {
      daily: integer(env, 'HAVEN_BACKUP_KEEP_DAILY'),
      weekly: integer(env, 'HAVEN_BACKUP_KEEP_WEEKLY'),
      monthly: integer(env, 'HAVEN_BACKUP_KEEP_MONTHLY'),
    },
  }
}

export const OPERATOR_SCOPES = ['centre', 'installation'] as const
export type OperatorScope = (typeof OPERATOR_SCOPES)[number]

function operatorScope(env: Environment): OperatorScope {
  const raw = nonEmpty(env, 'HAVEN_OPERATOR_SCOPE')?.toLowerCase()
  if (raw === undefined) return 'centre'
  const scope = OPERATOR_SCOPES.find((s) => s === raw)
  if (!scope)
    throw new ConfigError(
      `HAVEN_OPERATOR_SCOPE must be one of ${OPERATOR_SCOPES.join(', ')}, not "${raw}"`,
    )
  return scope
}

/** A time of day, HH:MM on the 24-hour clock (UK time where it is used). */
function timeOfDay(env: Environment, name: SettingName, fallback: string): string {
  const raw = nonEmpty(env, name)
  if (raw === undefined) return fallback
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(raw))
    throw new ConfigError(`${name} must be a time of day as HH:MM (e.g. 02:30), not "${raw}"`)
  return raw
}

function optionalPath(env: Environment, name: SettingName, cwd: string): string | undefined {
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

function nonEmpty(env: Environment, name: SettingName): string | undefined {
  const value = env[name]
  if (value === undefined) return undefined
  if (value.trim() === '')
    throw new ConfigError(`${name} is set but empty; unset it or give a value`)
  return value.trim()
}

/** The declaration of a setting, by its name. */
function declared<K extends Setting['kind']>(
  name: SettingName,
  kind: K,
): Extract<Setting, { kind: K }> {
  const setting: Setting | undefined = SETTINGS.find((candidate) => candidate.name === name)
  if (setting?.kind !== kind) throw new Error(`${name} is not declared as ${kind} in SETTINGS`)
  return setting as Extract<Setting, { kind: K }>
}

function integer(env: Environment, name: IntegerName): number {
  const { fallback, min, max } = declared(name, 'integer')
  const raw = nonEmpty(env, name)
  if (raw === undefined) return fallback
  if (!/^\d+$/.test(raw))
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, not "${raw}"`)
  const value = Number(raw)
  if (value < min || value > max)
    throw new ConfigError(`${name} must be from ${min} to ${max}, not ${raw}`)
  return value
}

function boolean(env: Environment, name: BooleanName): boolean {
  const { fallback } = declared(name, 'boolean')
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
