// Moving a centre in (decision 0038), measured: synthetic centres of 100, 500 and 2,000
// families (three people each, one future session for a quarter of them) imported from CSV
// and from an Excel workbook, on a scratch SQLite file and a scratch PostgreSQL database made
// as test/support/databases.ts makes them. For each: the dry run's time, the import's time,
// the process's peak resident set, and how long a booking waits when it is asked from a
// second connection while the import runs (the same centre), and from a third (another
// centre), both asked as the import's own transaction begins. Then the
// page path for 500 families: the upload and the Import through the real Hono app, in
// process (no socket), signed in as the coordinator. And the worst case of the checks:
// 20,000 families that each have a problem.
//
// Run: node bench/import.ts            (each case in a child process of its own, for its RSS)
//      HAVEN_BENCH_SIZES=100 node bench/import.ts   for a quick try
import { spawn } from 'node:child_process'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { resourceUsage } from 'node:process'
import writeXlsxFile from 'write-excel-file/node'
import { operatorActor } from '../src/app/actor.ts'
import { importRecords, type ImportReport } from '../src/app/centre-import.ts'
import { createCentre } from '../src/app/centres.ts'
import type { AppContext } from '../src/app/context.ts'
import type { ImportFile } from '../src/app/import-files.ts'
import { addRoom } from '../src/app/rooms.ts'
import { bookSession } from '../src/app/sessions.ts'
import { FAMILY_NAMES, GIVEN_NAMES } from '../src/domain/synthetic-names.ts'
import type { DialectName } from '../src/storage/database.ts'
import { migrateToLatest } from '../src/storage/migrate.ts'
import { centreWithCoordinator, testApp, type Client } from '../test/support/accounts.ts'
import {
  createScratchDatabase,
  dialectsUnderTest,
  TestClock,
  testContext,
} from '../test/support/databases.ts'

const NOW = '2026-03-14T09:00:00Z'
const ROOMS = 8
const SLOTS = [
  ['10:00', '11:00'],
  ['11:30', '12:30'],
  ['13:30', '14:30'],
  ['15:00', '16:00'],
] as const

interface Centre {
  families: string[][]
  people: string[][]
  sessions: string[][]
}

/** A synthetic centre of `n` families: three people each, a session for every fourth. */
function syntheticCentre(n: number): Centre {
  const families = [['Family', 'Keep parents apart', 'Status']]
  const people = [
    ['Family', 'Role', 'First name', 'Last name', 'Date of birth', 'Parental responsibility'],
  ]
  const sessions = [['Family', 'Date', 'Starts', 'Ends', 'Room', 'Kind']]
  const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T
  for (let i = 0; i < n; i += 1) {
    const label = `Family ${String(i + 1)}`
    const surname = pick(FAMILY_NAMES, i * 7 + Math.floor(i / FAMILY_NAMES.length))
    families.push([label, i % 3 === 0 ? 'yes' : 'no', 'active'])
    people.push([label, 'resident parent', pick(GIVEN_NAMES, i * 3), surname, '', 'yes'])
    people.push([label, 'visiting parent', pick(GIVEN_NAMES, i * 3 + 1), surname, '', 'yes'])
    const born = `${String((i % 27) + 1).padStart(2, '0')}/${String((i % 12) + 1).padStart(2, '0')}/${String(2012 + (i % 12))}`
    people.push([label, 'child', pick(GIVEN_NAMES, i * 3 + 2), surname, born, ''])
    if (i % 4 === 0) {
      const k = i / 4
      const slot = SLOTS[Math.floor(k / ROOMS) % SLOTS.length] ?? SLOTS[0]
      const day = new Date(
        Date.parse('2026-03-16T00:00:00Z') + Math.floor(k / (ROOMS * SLOTS.length)) * 86_400_000,
      )
      const date = `${String(day.getUTCDate()).padStart(2, '0')}/${String(day.getUTCMonth() + 1).padStart(2, '0')}/${String(day.getUTCFullYear())}`
      sessions.push([label, date, slot[0], slot[1], `Room ${String(k % ROOMS)}`, 'supervised'])
    }
  }
  return { families, people, sessions }
}

function csvOf(rows: string[][]): Uint8Array {
  return new TextEncoder().encode(
    rows
      .map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(','))
      .join('\r\n'),
  )
}

async function filesOf(centre: Centre, format: 'csv' | 'xlsx'): Promise<ImportFile[]> {
  if (format === 'csv')
    return [
      { name: 'families.csv', bytes: csvOf(centre.families) },
      { name: 'people.csv', bytes: csvOf(centre.people) },
      { name: 'sessions.csv', bytes: csvOf(centre.sessions) },
    ]
  const sheet = (name: string, rows: string[][]) => ({
    sheet: name,
    data: rows.map((r) => r.map((value) => (value === '' ? null : { value }))),
  })
  const bytes = await writeXlsxFile([
    sheet('Families', centre.families),
    sheet('People', centre.people),
    sheet('Sessions', centre.sessions),
  ]).toBuffer()
  return [{ name: 'Our centre.xlsx', bytes }]
}

async function centreWithRooms(ctx: AppContext, slug: string): Promise<string> {
  const { centre } = await createCentre(ctx, {
    name: `Centre ${slug}`,
    slug,
    coordinatorEmail: `coordinator@${slug}.example.org`,
  })
  for (let r = 0; r < ROOMS; r += 1)
    await addRoom(ctx, operatorActor(centre.id), `Room ${String(r)}`)
  return centre.id
}

/** One family already held and accepted at a centre, for a booking made beside the import. */
async function heldFamily(ctx: AppContext, centreId: string): Promise<string> {
  const report = await importRecords(
    ctx,
    operatorActor(centreId),
    [
      {
        name: 'families.csv',
        bytes: csvOf([
          ['Family', 'Keep parents apart'],
          ['Held', 'no'],
        ]),
      },
      {
        name: 'people.csv',
        bytes: csvOf([
          ['Family', 'Role', 'First name', 'Last name', 'Date of birth', 'Parental responsibility'],
          ['Held', 'resident parent', 'Bethan', 'Hughes', '', 'yes'],
          ['Held', 'child', 'Rhys', 'Hughes', '03/04/2019', ''],
        ]),
      },
    ],
    { isDryRun: false },
  )
  const row = await ctx.db
    .selectFrom('families')
    .select('id')
    .where('centre_id', '=', centreId)
    .where('reference', '=', report.references[0]?.reference ?? '')
    .executeTakeFirstOrThrow()
  return row.id
}

/**
 * The context with its database watched: the time each transaction took, in order, and
 * `began`, which resolves as transaction number `signalAt` starts its work (its BEGIN done:
 * on SQLite, BEGIN IMMEDIATE has taken the file; on PostgreSQL the centre's lock is its first
 * statement, taken a moment later).
 */
function watchTransactions(
  ctx: AppContext,
  signalAt = -1,
): { ctx: AppContext; began: Promise<void>; took: number[] } {
  let signal: () => void = () => undefined
  const began = new Promise<void>((resolve) => (signal = resolve))
  const took: number[] = []
  const db = new Proxy(ctx.db, {
    get(target, prop, receiver) {
      if (prop !== 'transaction') {
        const value = Reflect.get(target, prop, receiver) as unknown
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value
      }
      return () => {
        const builder = target.transaction()
        return new Proxy(builder, {
          get(b, p, r) {
            if (p !== 'execute') {
              const value = Reflect.get(b, p, r) as unknown
              return typeof value === 'function' ? (value as () => unknown).bind(b) : value
            }
            return <T>(work: (trx: typeof target) => Promise<T>) =>
              b.execute(async (trx) => {
                const index = took.length
                took.push(Number.NaN)
                if (index === signalAt) signal()
                const t0 = performance.now()
                try {
                  return await work(trx)
                } finally {
                  took[index] = performance.now() - t0
                }
              })
          },
        })
      }
    },
  })
  return { ctx: { ...ctx, db }, began, took }
}

interface Case {
  dialect: DialectName
  families: number
  format: 'csv' | 'xlsx'
  fileKb: number
  dryRunMs: number
  importMs: number
  /** When, into the import, its transaction began. */
  lockedAtMs: number
  /** The longest the event loop of this process was held up while the import ran. */
  loopDelayMaxMs: number
  problems: number
  peakRssMiB: number
  /** A booking at the same centre from a second connection, asked as the import's transaction begins. */
  sameCentreWaitMs: number | string
  /** A booking at another centre from a third connection, asked as the import's transaction begins. */
  otherCentreWaitMs: number | string
}

const ms = (from: number) => Math.round(performance.now() - from)

async function timedBooking(
  ctx: AppContext,
  centreId: string,
  familyId: string,
  roomId: string,
  hour: number,
): Promise<number | string> {
  const started = performance.now()
  try {
    await bookSession(ctx, operatorActor(centreId), {
      familyId,
      roomId,
      kind: 'supported',
      startsAt: `2026-06-30T${String(hour).padStart(2, '0')}:00`,
      endsAt: `2026-06-30T${String(hour).padStart(2, '0')}:45`,
    })
    return ms(started)
  } catch (error) {
    return `failed after ${String(ms(started))} ms (${(error as Error).message.slice(0, 60)})`
  }
}

/** One case, in this process: dialect, size, format. */
async function runCase(dialect: DialectName, n: number, format: 'csv' | 'xlsx'): Promise<Case> {
  const scratch = await createScratchDatabase(dialect)
  const database = await scratch.open()
  await migrateToLatest(database.db)
  const second = await scratch.open()
  const thirdDb = await scratch.open()
  try {
    const ctx = testContext(database, new TestClock(NOW))
    const other = { ...testContext(second, new TestClock(NOW)), masterKey: ctx.masterKey }
    const third = { ...testContext(thirdDb, new TestClock(NOW)), masterKey: ctx.masterKey }
    const centreId = await centreWithRooms(ctx, 'ashbury')
    const otherCentreId = await centreWithRooms(ctx, 'brockley')
    const held = await heldFamily(ctx, centreId)
    const otherHeld = await heldFamily(ctx, otherCentreId)
    const roomOf = async (id: string) =>
      (
        await ctx.db
          .selectFrom('rooms')
          .select('id')
          .where('centre_id', '=', id)
          .where('name', '=', 'Room 0')
          .executeTakeFirstOrThrow()
      ).id
    const room = await roomOf(centreId)
    const otherRoom = await roomOf(otherCentreId)
    const files = await filesOf(syntheticCentre(n), format)
    const fileKb = Math.round(files.reduce((s, f) => s + f.bytes.length, 0) / 1024)
    const actor = operatorActor(centreId)

    let started = performance.now()
    const watchedDry = watchTransactions(ctx)
    const dry = await importRecords(watchedDry.ctx, actor, files, { isDryRun: true })
    const dryRunMs = ms(started)
    if (dry.problems.length > 0)
      throw new Error(`problems: ${JSON.stringify(dry.problems.slice(0, 3))}`)

    started = performance.now()
    // The bookings start as the import's own transaction begins.
    // The import opens the transactions the dry run did; its own is the longest of them.
    const longest = watchedDry.took.indexOf(Math.max(...watchedDry.took))
    const { ctx: watched, began } = watchTransactions(ctx, longest)
    const loop = monitorEventLoopDelay({ resolution: 10 })
    loop.enable()
    const importing = importRecords(watched, actor, files, { isDryRun: false })
    await began
    const lockedAt = ms(started)
    const [report, sameCentreWaitMs, otherCentreWaitMs] = await Promise.all([
      importing.then((r: ImportReport) => ({ r, at: ms(started) })),
      timedBooking(other, centreId, held, room, 9),
      timedBooking(third, otherCentreId, otherHeld, otherRoom, 9),
    ])
    if (!report.r.isImported)
      throw new Error(`not imported: ${JSON.stringify(report.r.problems.slice(0, 3))}`)
    return {
      dialect,
      families: n,
      format,
      fileKb,
      dryRunMs,
      importMs: report.at,
      lockedAtMs: lockedAt,
      loopDelayMaxMs: Math.round(loop.max / 1e6),
      problems: report.r.problems.length,
      peakRssMiB: Math.round(resourceUsage().maxRSS / 1024),
      sameCentreWaitMs,
      otherCentreWaitMs,
    }
  } finally {
    await thirdDb.close()
    await second.close()
    await database.close()
    await scratch.drop()
  }
}

/** 20,000 families, each without its people: every check runs, every row has a problem. */
async function runWorstChecks(dialect: DialectName): Promise<Record<string, unknown>> {
  const scratch = await createScratchDatabase(dialect)
  const database = await scratch.open()
  await migrateToLatest(database.db)
  try {
    const ctx = testContext(database, new TestClock(NOW))
    const centreId = await centreWithRooms(ctx, 'ashbury')
    const families = [['Family', 'Keep parents apart']]
    for (let i = 0; i < 20_000; i += 1) families.push([`Family ${String(i)}`, 'no'])
    const started = performance.now()
    const report = await importRecords(
      ctx,
      operatorActor(centreId),
      [{ name: 'families.csv', bytes: csvOf(families) }],
      { isDryRun: true },
    )
    return {
      dialect,
      case: '20,000 families, every one with 2 problems (no parent, no child): dry run',
      ms: ms(started),
      problems: report.problems.length,
      peakRssMiB: Math.round(resourceUsage().maxRSS / 1024),
    }
  } finally {
    await database.close()
    await scratch.drop()
  }
}

/** The page path: the upload (the check) and the Import, through the real app, in process. */
async function runPages(dialect: DialectName, n: number): Promise<Record<string, unknown>> {
  const scratch = await createScratchDatabase(dialect)
  const database = await scratch.open()
  await migrateToLatest(database.db)
  try {
    const ctx = testContext(database, new TestClock(NOW))
    const app = testApp(ctx)
    const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
    for (let r = 0; r < ROOMS; r += 1)
      await addRoom(ctx, operatorActor(centreId), `Room ${String(r)}`)
    const client: Client = coordinator.client
    const files = await filesOf(syntheticCentre(n), 'xlsx')
    const cookie = [client.cookie, client.deviceCookie].filter((c) => c !== undefined).join('; ')
    const form = new FormData()
    form.append('_csrf', client.csrf ?? '')
    for (const f of files) form.append('files', new File([f.bytes], f.name))
    let started = performance.now()
    const checked = await app.request('/centre/import', {
      method: 'POST',
      body: form,
      headers: { cookie, 'sec-fetch-site': 'same-origin', accept: 'text/html' },
    })
    const page = await checked.text()
    const checkMs = ms(started)
    if (checked.status !== 200) throw new Error(`check answered ${String(checked.status)}`)
    const field = (name: string) =>
      (new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '')
        .replaceAll('&#x2F;', '/')
        .replaceAll('&#x3D;', '=')
        .replaceAll('&#43;', '+')
    const body = new URLSearchParams({
      _csrf: client.csrf ?? '',
      _once: field('_once'),
      sealed: field('sealed'),
      expiresAt: field('expiresAt'),
    }).toString()
    started = performance.now()
    const done = await app.request('/centre/import/confirm', {
      method: 'POST',
      body,
      headers: {
        cookie,
        'content-type': 'application/x-www-form-urlencoded',
        'sec-fetch-site': 'same-origin',
        accept: 'text/html',
      },
    })
    const importMs = ms(started)
    if (done.status !== 303) throw new Error(`import answered ${String(done.status)}`)
    return {
      dialect,
      case: `page path, ${String(n)} families from .xlsx (in-process app.request)`,
      uploadKb: Math.round(files.reduce((s, f) => s + f.bytes.length, 0) / 1024),
      checkMs,
      checkPageKb: Math.round(page.length / 1024),
      confirmBodyKb: Math.round(body.length / 1024),
      importMs,
      peakRssMiB: Math.round(resourceUsage().maxRSS / 1024),
    }
  } finally {
    await database.close()
    await scratch.drop()
  }
}

/** Runs `args` in a child process of this script and returns its one line of JSON. */
function child(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [import.meta.filename, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let out = ''
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()))
    proc.on('close', (code) => {
      if (code !== 0) {
        reject(new Error(`case ${args.join(' ')} exited ${String(code)}`))
        return
      }
      resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>)
    })
  })
}

const [mode, dialectArg, sizeArg, formatArg] = process.argv.slice(2)
if (mode === 'case') {
  const result = await runCase(
    dialectArg as DialectName,
    Number(sizeArg),
    formatArg as 'csv' | 'xlsx',
  )
  process.stdout.write(`${JSON.stringify(result)}\n`)
} else if (mode === 'worst') {
  process.stdout.write(`${JSON.stringify(await runWorstChecks(dialectArg as DialectName))}\n`)
} else if (mode === 'pages') {
  process.stdout.write(
    `${JSON.stringify(await runPages(dialectArg as DialectName, Number(sizeArg)))}\n`,
  )
} else {
  const sizes = (process.env.HAVEN_BENCH_SIZES ?? '100,500,2000').split(',').map(Number)
  const rows: Record<string, unknown>[] = []
  for (const dialect of await dialectsUnderTest()) {
    if (dialect.skip !== undefined) {
      process.stderr.write(`${dialect.name} skipped: ${dialect.skip}\n`)
      continue
    }
    for (const n of sizes)
      for (const format of ['csv', 'xlsx']) {
        const row = await child(['case', dialect.name, String(n), format])
        process.stderr.write(`${JSON.stringify(row)}\n`)
        rows.push(row)
      }
    const pages = await child(['pages', dialect.name, '500'])
    process.stderr.write(`${JSON.stringify(pages)}\n`)
    rows.push(pages)
    const worst = await child(['worst', dialect.name])
    process.stderr.write(`${JSON.stringify(worst)}\n`)
    rows.push(worst)
  }
  const cases = rows.filter((r) => 'format' in r) as unknown as Case[]
  const lines = [
    '| engine | families | from | file | dry run | import | peak RSS | booking, same centre, 2nd connection | booking, other centre, 3rd connection |',
    '| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...cases.map(
      (c) =>
        `| ${c.dialect} | ${String(c.families)} | ${c.format} | ${String(c.fileKb)} KB | ${String(c.dryRunMs)} ms | ${String(c.importMs)} ms | ${String(c.peakRssMiB)} MiB | ${typeof c.sameCentreWaitMs === 'number' ? `${String(c.sameCentreWaitMs)} ms` : c.sameCentreWaitMs} | ${typeof c.otherCentreWaitMs === 'number' ? `${String(c.otherCentreWaitMs)} ms` : c.otherCentreWaitMs} |`,
    ),
  ]
  process.stdout.write(`${lines.join('\n')}\n\n`)
  for (const r of rows.filter((r) => !('format' in r)))
    process.stdout.write(`${JSON.stringify(r)}\n`)
}
