// `haven audit verify` at scale (issue 15): builds an audit log of many entries over 300
// centres' chains in a real SQLite file (and, with HAVEN_BENCH_VERIFY_POSTGRES=1, in the local
// PostgreSQL), signs checkpoints with the real command, then times the real command in its
// own process, as an operator runs it. Run: npm run bench:verify
// (HAVEN_BENCH_AUDIT_ENTRIES, default 10,000,000). Writes its table into docs/PERFORMANCE.md.
// HAVEN_BENCH_VERIFY_DIR=DIR keeps the SQLite log in DIR (built there when DIR has no haven.db,
// reused as it is when it has one), so the command can be timed again on the same file.
import { execFileSync, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import pg from 'pg'
import { auditEntryHash, GENESIS_HASH } from '../src/domain/audit-chain.ts'
import { createScratchDatabase } from '../test/support/databases.ts'

const ENTRIES = Number(process.env.HAVEN_BENCH_AUDIT_ENTRIES ?? '10000000')
const CENTRES = 300
const root = path.join(import.meta.dirname, '..')
const cli = path.join(root, 'src', 'cli', 'main.ts')

const TYPES = ['records.listed', 'contact.revealed', 'session.booked', 'sign_in.succeeded']

/** The log's rows in order: one centre after another in turn, as a busy installation writes. */
function* entries(count: number): Generator<unknown[]> {
  const centres = Array.from({ length: CENTRES }, () => randomUUID())
  const heads = centres.map(() => ({ seq: 0, hash: GENESIS_HASH }))
  const at = Date.parse('2026-01-05T09:00:00Z')
  for (let n = 1; n <= count; n += 1) {
    const c = (n * 7919) % CENTRES
    const centreId = centres[c] ?? ''
    const head = heads[c] ?? { seq: 0, hash: GENESIS_HASH }
    const entry = {
      seq: head.seq + 1,
      centreId,
      at: new Date(at + n * 1000).toISOString(),
      type: TYPES[n % TYPES.length] ?? 'records.listed',
      actorId: centres[(c + 1) % CENTRES],
      subjectId: undefined,
      details: `{"count":${String(n % 40)},"resource":"family"}`,
    }
    const hash = auditEntryHash(head.hash, entry)
    yield [
      n,
      centreId,
      entry.seq,
      centreId,
      entry.at,
      entry.type,
      entry.actorId,
      null,
      entry.details,
      head.hash,
      hash,
    ]
    heads[c] = { seq: entry.seq, hash }
  }
}

const COLUMNS =
  'seq, chain, chain_seq, centre_id, at, type, actor_id, subject_id, details, prev_hash, hash'

function haven(env: NodeJS.ProcessEnv, ...args: string[]): string {
  return execFileSync(process.execPath, [cli, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  })
}

/** Wall time (s) and peak memory (MiB) of `haven audit verify`, run by /usr/bin/time. */
function timeVerify(env: NodeJS.ProcessEnv): { seconds: number; rssMiB: number; out: string } {
  const run = spawnSync(
    '/usr/bin/time',
    ['-f', '%e %M', process.execPath, cli, 'audit', 'verify'],
    {
      env: { ...process.env, ...env },
      encoding: 'utf8',
    },
  )
  if (run.status !== 0) throw new Error(`verify failed: ${run.stderr}`)
  const [seconds, kib] = (run.stderr.trim().split('\n').at(-1) ?? '').split(' ').map(Number)
  return { seconds: seconds ?? NaN, rssMiB: (kib ?? NaN) / 1024, out: run.stdout.trim() }
}

interface Row {
  engine: string
  entries: number
  seconds: number
  rssMiB: number
  perSecond: number
}

function sqliteRun(): Row {
  const kept = process.env.HAVEN_BENCH_VERIFY_DIR
  const dataDir = kept ?? mkdtempSync(path.join(tmpdir(), 'haven-bench-verify-'))
  try {
    const env = { HAVEN_DATA_DIR: dataDir }
    if (kept !== undefined) mkdirSync(kept, { recursive: true })
    if (kept === undefined || !existsSync(path.join(dataDir, 'haven.db'))) buildSqlite(env, dataDir)
    const timed = timeVerify(env)
    console.error(timed.out)
    return {
      engine: 'sqlite',
      entries: ENTRIES,
      seconds: timed.seconds,
      rssMiB: timed.rssMiB,
      perSecond: ENTRIES / timed.seconds,
    }
  } finally {
    if (kept === undefined) rmSync(dataDir, { recursive: true, force: true })
  }
}

/** Writes the log into a new SQLite file in `dataDir` and signs its checkpoints. */
function buildSqlite(env: NodeJS.ProcessEnv, dataDir: string): void {
  haven(env, 'migrate')
  const db = new DatabaseSync(path.join(dataDir, 'haven.db'))
  // Only to build the log quickly: a large cache, and no fsync of the bench's own writes.
  db.exec('pragma cache_size = -1000000; pragma synchronous = off')
  const insert = db.prepare(
    `insert into audit_log (${COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const started = performance.now()
  db.exec('begin')
  let n = 0
  for (const values of entries(ENTRIES)) {
    insert.run(...(values as (string | number | null)[]))
    n += 1
    if (n % 500_000 === 0) {
      db.exec('commit')
      db.exec('begin')
    }
  }
  db.exec('commit')
  db.close()
  console.error(`sqlite: wrote ${String(ENTRIES)} entries in ${seconds(started)} s`)
  haven(env, 'audit', 'checkpoint')
}

async function postgresRun(): Promise<Row> {
  const scratch = await createScratchDatabase('postgres')
  try {
    const url = scratch.url ?? ''
    const env = { HAVEN_DATA_DIR: scratch.dataDir, HAVEN_DATABASE_URL: url }
    haven(env, 'migrate')
    const client = new pg.Client({ connectionString: url })
    await client.connect()
    const started = performance.now()
    let batch: unknown[][] = []
    const flush = async () => {
      if (batch.length === 0) return
      const params: unknown[] = []
      const tuples = batch.map((values) => {
        const marks = values.map((v) => {
          params.push(v)
          return `$${String(params.length)}`
        })
        return `(${marks.join(', ')})`
      })
      await client.query(`insert into audit_log (${COLUMNS}) values ${tuples.join(', ')}`, params)
      batch = []
    }
    for (const values of entries(ENTRIES)) {
      batch.push(values)
      if (batch.length === 5_000) await flush()
    }
    await flush()
    await client.query(`select setval('audit_log_seq_seq', ${String(ENTRIES + 1)}, false)`)
    await client.query('analyze audit_log')
    await client.end()
    console.error(`postgres: wrote ${String(ENTRIES)} entries in ${seconds(started)} s`)
    haven(env, 'audit', 'checkpoint')
    const timed = timeVerify(env)
    console.error(timed.out)
    return {
      engine: 'postgres',
      entries: ENTRIES,
      seconds: timed.seconds,
      rssMiB: timed.rssMiB,
      perSecond: ENTRIES / timed.seconds,
    }
  } finally {
    await scratch.drop()
  }
}

function seconds(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(1)
}

const rows = [sqliteRun()]
if (process.env.HAVEN_BENCH_VERIFY_POSTGRES === '1') rows.push(await postgresRun())
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB')
const table = [
  '| engine | entries | chains | wall time | entries per second | peak memory |',
  '| --- | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.engine} | ${fmt(r.entries)} | ${String(CENTRES)} | ${r.seconds.toFixed(1)} s | ${fmt(r.perSecond)} | ${fmt(r.rssMiB)} MiB |`,
  ),
].join('\n')
console.log(table)
const file = new URL('../docs/PERFORMANCE.md', import.meta.url)
const doc = readFileSync(file, 'utf8')
const block = `<!-- bench:verify -->\n${table}\n\nThe whole command in its own process, as an operator runs it (start-up, migrations check, key load, the check, exit), timed by /usr/bin/time; ${String(availableParallelism())} cores, so two worker threads. Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}.\n<!-- /bench:verify -->`
writeFileSync(
  file,
  doc.includes('<!-- bench:verify -->')
    ? doc.replace(/<!-- bench:verify -->[\s\S]*<!-- \/bench:verify -->/, block)
    : `${doc}\n## Verifying the audit log at scale\n\nCommand: \`npm run bench:verify\` (\`HAVEN_BENCH_VERIFY_POSTGRES=1\` adds PostgreSQL). An audit log of that many entries, written as 300 centres write them in turn (one chain each, plus the installation's), with a signed checkpoint on every chain; then \`haven audit verify\` checks every entry's hash and place and every checkpoint. The log is cut into one range per core, each read on its own connection by a worker thread; entries are checked on their own (each holds the hash before it) and the ranges' ends joined.\n\n${block}\n`,
)
