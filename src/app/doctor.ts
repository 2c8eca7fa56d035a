import { createPrivateKey, createPublicKey } from 'node:crypto'
import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs'
import type { Stats } from 'node:fs'
import path from 'node:path'
import type { Config } from '../config.ts'
import {
  fail,
  judgeBackupAge,
  judgeCheckpointAge,
  judgeOperatorScope,
  judgeClock,
  judgeNodeVersion,
  judgeTimeZone,
  modeText,
  ok,
  ownershipProblem,
  warn,
  type Check,
} from '../domain/doctor.ts'
import { latestCheckpointKeyId } from '../storage/audit-log.ts'
import {
  openDatabase,
  roleRefusal,
  roleRights,
  SQLITE_FILE_NAME,
  type Database,
} from '../storage/database.ts'
import {
  countSetAsideMessages,
  ledgerEntryIds,
  newestAuditEntryAt,
  newestInstallationEvent,
  oldestAuditEntryAt,
  oldestEntryNotCoveredBy,
  pendingMigrations,
  sqliteHealth,
} from '../storage/installation-facts.ts'
import { findKeyCheck } from '../storage/key-check.ts'
import { countRealCentres } from '../storage/centres.ts'
import { hasHavenSchema } from '../storage/migrate.ts'
import { keyIdOf } from './audit-keys.ts'
import { readLedgerFile } from './disposal-ledger-file.ts'
import { isKeyCheckValid, masterKeyFrom, type MasterKey } from './field-crypto.ts'
import { probeSmtp } from './smtp.ts'

/** What the checks need to know of the machine, passed in so that a test can set it. */
export interface DoctorSurroundings {
  now: () => Date
  /** The user Haven runs as; undefined where there are no user ids. */
  uid: number | undefined
  nodeVersion: string
  requiredNodeMajor: number
  timeZone: string
  /** How long the SMTP server has to greet and answer EHLO. */
  smtpTimeoutMs: number
}

/**
 * `haven doctor` (issue 18): checks what an operator forgets, one line each, and changes
 * nothing. Unlike every other command it does not open Haven: it would tighten file modes,
 * make missing keys, migrate, and refuse a superuser, where the point is to report them. The
 * database is opened only to be looked at (DatabaseOptions.isInspection).
 */
export async function examineInstallation(
  config: Config,
  around: DoctorSurroundings,
): Promise<Check[]> {
  const now = around.now()
  const checks: Check[] = [
    judgeNodeVersion(around.nodeVersion, around.requiredNodeMajor),
    judgeTimeZone(around.timeZone, knowsLondon()),
    dataFolderCheck(config, around.uid),
  ]
  let database: Database | undefined
  let databaseCheck: Check
  let isReadable = false
  try {
    database = await openDatabase({
      dataDir: config.dataDir,
      mayCreateDataDir: false,
      databaseUrl: config.databaseUrl,
      pool: { ...config.databasePool, size: 2 },
      isInspection: true,
    })
    ;({ check: databaseCheck, isReadable } = await examineDatabase(database, config))
  } catch (error) {
    databaseCheck = fail('database', firstLine(error))
  }
  try {
    const usable = isReadable ? database : undefined
    const master = await masterKeyCheck(config, around.uid, usable)
    checks.push(master.check, await auditKeyCheck(config, around.uid, usable))
    checks.push(await ledgerCheck(config, around.uid, usable, master.key))
    checks.push(databaseCheck)
    if (usable === undefined) {
      for (const name of ['clock', 'outbox', 'backup', 'checkpoints', 'operator'])
        checks.push(warn(name, 'not checked: see the database line'))
      checks.push(await smtpCheck(config, around.smtpTimeoutMs))
      return order(checks)
    }
    const db = usable.db
    checks.push(judgeClock(now, await newestAuditEntryAt(db)))
    checks.push(await smtpCheck(config, around.smtpTimeoutMs))
    const setAside = await countSetAsideMessages(db)
    const total = setAside.ofCentres + setAside.ofInstallation
    checks.push(
      total === 0
        ? ok('outbox', 'no message set aside')
        : warn(
            'outbox',
            `${String(total)} message${total === 1 ? '' : 's'} set aside after failing to send: ${String(setAside.ofCentres)} of centres (on each centre's people page, to be sent again), ${String(setAside.ofInstallation)} of the installation's own (on no page: check the mail settings)`,
          ),
    )
    checks.push(
      judgeBackupAge(
        now,
        await newestInstallationEvent(db, 'backup.made'),
        await oldestAuditEntryAt(db),
      ),
    )
    checks.push(await checkpointCheck(config, now, usable))
    checks.push(judgeOperatorScope(config.operatorScope, await countRealCentres(db)))
    return order(checks)
  } finally {
    await database?.close()
  }
}

const ORDER = [
  'node',
  'time zone',
  'clock',
  'data folder',
  'master key',
  'audit key',
  'ledger',
  'database',
  'smtp',
  'outbox',
  'backup',
  'checkpoints',
  'operator',
]

function order(checks: Check[]): Check[] {
  return [...checks].sort((a, b) => ORDER.indexOf(a.name) - ORDER.indexOf(b.name))
}

function knowsLondon(): boolean {
  try {
    return (
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London' }).resolvedOptions().timeZone ===
      'Europe/London'
    )
  } catch {
    return false
  }
}

function statOf(file: string): Stats | undefined {
  try {
    return statSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

function isWritable(file: string): boolean {
  try {
    accessSync(file, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/** Whether `file` is the folder `dir` or anywhere inside it. */
function isInside(dir: string, file: string): boolean {
  const relative = path.relative(dir, file)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

function dataFolderCheck(config: Config, uid: number | undefined): Check {
  const name = 'data folder'
  const stats = statOf(config.dataDir)
  const keysInside = [config.masterKeyFile, config.auditKeyFile, config.disposalLedgerFile].some(
    (file) => isInside(config.dataDir, file),
  )
  if (stats === undefined) {
    if (config.databaseUrl !== undefined && !keysInside)
      return ok(name, `${config.dataDir} is not used (PostgreSQL, keys elsewhere)`)
    return fail(name, `${config.dataDir} does not exist`)
  }
  if (!stats.isDirectory()) return fail(name, `${config.dataDir} is not a folder`)
  const problem = ownershipProblem(stats, uid, `chmod 700 ${config.dataDir}`)
  if (problem !== undefined) return fail(name, `${config.dataDir}: ${problem}`)
  if (config.databaseUrl === undefined) {
    const file = path.join(config.dataDir, SQLITE_FILE_NAME)
    for (const suffix of ['', '-wal', '-shm']) {
      const found = statOf(`${file}${suffix}`)
      const wrong =
        found === undefined ? undefined : ownershipProblem(found, uid, `chmod 600 ${file}${suffix}`)
      if (wrong !== undefined) return fail(name, `${file}${suffix}: ${wrong}`)
    }
  }
  return ok(name, `${config.dataDir}, mode ${modeText(stats.mode)}, owned by Haven's user`)
}

/** A key file's presence and mode; undefined stats when there is none. */
function keyFileProblem(
  file: string,
  uid: number | undefined,
): { stats: Stats | undefined; problem: string | undefined } {
  const stats = statOf(file)
  if (stats === undefined) return { stats, problem: undefined }
  if (!stats.isFile()) return { stats, problem: `${file} is not a file` }
  const wrong = ownershipProblem(stats, uid, `chmod 600 ${file}`)
  return { stats, problem: wrong === undefined ? undefined : `${file}: ${wrong}` }
}

async function masterKeyCheck(
  config: Config,
  uid: number | undefined,
  database: Database | undefined,
): Promise<{ check: Check; key: MasterKey | undefined }> {
  const name = 'master key'
  const file = config.masterKeyFile
  const { stats, problem } = keyFileProblem(file, uid)
  const sealedCheck = database === undefined ? undefined : await findKeyCheck(database.db)
  if (stats === undefined)
    return {
      check:
        sealedCheck === undefined
          ? warn(name, `${file} is missing; Haven makes one at its first start`)
          : fail(name, `${file} is missing, and the database was made with one: put it back`),
      key: undefined,
    }
  if (problem !== undefined) return { check: fail(name, problem), key: undefined }
  let key: MasterKey
  try {
    key = masterKeyFrom(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'))
  } catch {
    return { check: fail(name, `${file} does not hold a 32-byte key in base64`), key: undefined }
  }
  const said = `${file} present, mode ${modeText(stats.mode)}`
  if (database === undefined)
    return { check: warn(name, `${said}; not compared with the database (not read)`), key }
  if (sealedCheck === undefined)
    return { check: warn(name, `${said}; the database has no key check yet`), key }
  if (!isKeyCheckValid(key, sealedCheck))
    return {
      check: fail(name, `${said}, but it is not the key this database was made with`),
      key: undefined,
    }
  if (statOf(`${file}.next`) !== undefined)
    return {
      check: warn(name, `${said}; a key rotation was interrupted: haven serve finishes it`),
      key,
    }
  return { check: ok(name, `${said}, matches the database`), key }
}

async function auditKeyCheck(
  config: Config,
  uid: number | undefined,
  database: Database | undefined,
): Promise<Check> {
  const name = 'audit key'
  const file = config.auditKeyFile
  const { stats, problem } = keyFileProblem(file, uid)
  const signedBy = database === undefined ? undefined : await latestCheckpointKeyId(database.db)
  if (stats === undefined)
    return signedBy === undefined
      ? warn(name, `${file} is missing; Haven makes one at its next start`)
      : fail(
          name,
          `${file} is missing, and the audit log has checkpoints signed by key ${signedBy}: put it back`,
        )
  if (problem !== undefined) return fail(name, problem)
  let keyId: string
  try {
    const privateKey = createPrivateKey(readFileSync(file, 'utf8'))
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519')
    keyId = keyIdOf(createPublicKey(privateKey))
  } catch {
    return fail(name, `${file} does not hold an Ed25519 private key`)
  }
  const said = `${file} present, mode ${modeText(stats.mode)}, key ${keyId}`
  if (signedBy !== undefined && signedBy !== keyId)
    return fail(name, `${said}, but the latest checkpoint was signed by key ${signedBy}`)
  return ok(
    name,
    signedBy === undefined
      ? `${said}; no checkpoint signed yet`
      : `${said}, signed the latest checkpoint`,
  )
}

/**
 * The disposal ledger (docs/decisions/0016, 0036): beside the master key, writable, private,
 * holding every line the database's own ledger holds, and not inside the data folder (lost
 * with it, and a copy of the folder is the copy a restore would be made from).
 */
async function ledgerCheck(
  config: Config,
  uid: number | undefined,
  database: Database | undefined,
  key: MasterKey | undefined,
): Promise<Check> {
  const name = 'ledger'
  const file = config.disposalLedgerFile
  const folder = path.dirname(file)
  const recorded = database === undefined ? [] : await ledgerEntryIds(database.db)
  const warnings: string[] = []
  if (folder !== path.dirname(config.masterKeyFile))
    warnings.push(
      `not beside the master key (${path.dirname(config.masterKeyFile)}): keep them together`,
    )
  if (isInside(config.dataDir, file))
    warnings.push(
      'inside the data folder: lost with it, and copied with it; keep the keys and the ledger on another volume (HAVEN_MASTER_KEY_FILE)',
    )
  const { stats, problem } = keyFileProblem(file, uid)
  if (problem !== undefined) return fail(name, problem)
  let said: string
  if (stats === undefined) {
    if (recorded.length > 0)
      return fail(
        name,
        `${file} is missing, and the database records ${String(recorded.length)} disposed items: a restore would bring them back; put the file back`,
      )
    if (!isWritable(folder))
      return fail(name, `${file} does not exist yet, and Haven cannot write to ${folder}`)
    said = `${file} not made yet (no disposal so far); ${folder} is writable`
  } else {
    if (!isWritable(file)) return fail(name, `${file} is not writable by Haven's user`)
    if (key !== undefined) {
      let held: Set<string>
      try {
        const reading = readLedgerFile(file, key)
        held = new Set([
          ...reading.entries.map((e) => e.id),
          ...[...reading.unmarked.values()].flat().map((e) => e.id),
        ])
      } catch (error) {
        return fail(name, `${file}: ${firstLine(error)}`)
      }
      const lacking = recorded.filter((id) => !held.has(id)).length
      if (lacking > 0)
        return fail(
          name,
          `${file} lacks ${String(lacking)} of the ${String(recorded.length)} disposed items the database records: is it the right file?`,
        )
    }
    said = `${file} present, mode ${modeText(stats.mode)}, writable${key === undefined ? '' : `, holds all ${String(recorded.length)} disposed items`}`
  }
  return warnings.length > 0 ? warn(name, `${said}; ${warnings.join('; ')}`) : ok(name, said)
}

/** The database line; readable when it holds Haven's schema and is not damaged. */
async function examineDatabase(
  database: Database,
  config: Config,
): Promise<{ check: Check; isReadable: boolean }> {
  const name = 'database'
  const db = database.db
  const problems: Check[] = []
  let said: string
  if (database.dialect === 'postgres') {
    const role = await roleRights(db)
    const refusal = roleRefusal(role)
    if (refusal !== undefined) problems.push(fail(name, refusal))
    said = `PostgreSQL as role ${role?.name ?? ''}, bound by row-level security`
  } else {
    const health = await sqliteHealth(db)
    if (health.quickCheck !== 'ok')
      return {
        check: fail(name, `SQLite ${database.location} is damaged: ${health.quickCheck}`),
        isReadable: false,
      }
    said = `SQLite ${database.location}, quick check ok, journal ${health.journalMode}`
    if (health.journalMode.toLowerCase() !== 'wal')
      problems.push(warn(name, `${said}: not WAL (is the folder on a network share?)`))
  }
  if (!(await hasHavenSchema(db)))
    return {
      check: fail(
        name,
        `${config.databaseUrl === undefined ? 'the database file' : 'the database'} holds no Haven schema`,
      ),
      isReadable: false,
    }
  const pending = await pendingMigrations(db)
  if (pending.length > 0)
    problems.push(
      warn(name, `${said}; ${String(pending.length)} migrations to apply (haven migrate)`),
    )
  const worst = problems.find((p) => p.status === 'fail') ?? problems[0]
  // Queries of a schema not yet migrated may name what is not there yet.
  return { check: worst ?? ok(name, said), isReadable: pending.length === 0 }
}

async function smtpCheck(config: Config, timeoutMs: number): Promise<Check> {
  if (config.smtpUrl === undefined)
    return warn(
      'smtp',
      'HAVEN_SMTP_URL is not set: invitations and resets stay in the outbox until haven outbox deliver prints them',
    )
  const where = new URL(config.smtpUrl)
  const shown = `${where.protocol}//${where.host}`
  const problem = await probeSmtp(config.smtpUrl, timeoutMs)
  return problem === undefined
    ? ok('smtp', `${shown} answered EHLO`)
    : fail('smtp', `${shown}: ${problem}`)
}

async function checkpointCheck(config: Config, now: Date, database: Database): Promise<Check> {
  const name = 'checkpoints'
  const file = config.auditCheckpointFile
  if (file === undefined)
    return warn(
      name,
      'HAVEN_AUDIT_CHECKPOINT_FILE is not set: no signed checkpoint is handed out of the database',
    )
  let newest: string | undefined
  if (statOf(file) !== undefined) {
    try {
      newest = lastCheckpointAt(file)
    } catch (error) {
      return fail(name, `${file}: ${firstLine(error)}`)
    }
  }
  return judgeCheckpointAge(now, newest, await oldestEntryNotCoveredBy(database.db, newest ?? ''))
}

/** The `at` of the last whole line of the checkpoint file, read from its end. */
function lastCheckpointAt(file: string): string | undefined {
  const size = statSync(file).size
  if (size === 0) return undefined
  const length = Math.min(size, 64 * 1024)
  const buffer = Buffer.alloc(length)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, buffer, 0, length, size - length)
  } finally {
    closeSync(fd)
  }
  const lines = buffer
    .toString('utf8')
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.trim() !== '')
  const last = lines.at(-1)
  if (last === undefined) return undefined
  let at: unknown
  try {
    at = (JSON.parse(last) as { at?: unknown }).at
  } catch {
    at = undefined
  }
  if (typeof at !== 'string' || Number.isNaN(Date.parse(at)))
    throw new Error('its last line is not a checkpoint')
  return at
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return (text.split('\n')[0] ?? '').trim() || 'unknown error'
}
