// The server half of bench/healthz.ts: a Haven HTTP server on a generated SQLite centre, in
// its own process, that runs a backup or a disposal run inside itself when told to (over IPC),
// as the real server does its daily disposal. The measuring happens in the parent process.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { getRequestListener } from '@hono/node-server'
import { sql } from 'kysely'
import { operatorActor } from '../src/app/actor.ts'
import { writeBackup } from '../src/app/backup.ts'
import { createCentre } from '../src/app/centres.ts'
import { approveDisposalRun, startDisposalRun } from '../src/app/retention.ts'
import { createHttpApp } from '../src/http/app.ts'
import { createLogger } from '../src/logger.ts'
import { migrateToLatest } from '../src/storage/migrate.ts'
import { createScratchDatabase, testContext } from '../test/support/databases.ts'

const FAMILIES = Number(process.env.HAVEN_BENCH_FAMILIES ?? '20000')
const scratch = await createScratchDatabase('sqlite')
const database = await scratch.open()
await migrateToLatest(database.db)
const ctx = testContext(database, new Date('2026-11-29T10:00:00Z'))
const { centre } = await createCentre(ctx, {
  name: 'Bench Centre',
  slug: 'bench',
  coordinatorEmail: 'c@bench.example.org',
})
const series = (n: number) =>
  sql`with recursive s(i) as (select 0 union all select i + 1 from s where i < ${n - 1}) select i from s`
const id = (prefix: string, expr: string) => sql.raw(`printf('${prefix}%09d', ${expr})`)
await sql`insert into families (id, centre_id, reference, wrapped_key, key_version, created_at, last_activity_at)
  select ${id('f', 'i')}, ${centre.id}, ${id('F-', 'i')}, 'v1.bench', 1, '2015-01-01T00:00:00.000Z',
    case when i % 5 < 2 then '2019-03-01T10:00:00.000Z' else '2026-10-01T10:00:00.000Z' end
  from (${series(FAMILIES)}) as n`.execute(database.db)
await sql`insert into people (id, centre_id, family_id, kind, given_name, family_name, created_at, address_ciphertext)
  select ${id('p', 'i')}, ${centre.id}, ${id('f', 'i / 3')}, case when i % 3 = 0 then 'resident_parent' when i % 3 = 1 then 'non_resident_parent' else 'child' end,
    'Given', 'Family', '2015-01-01T00:00:00.000Z', 'v1.sealed-bench-address'
  from (${series(FAMILIES * 3)}) as n`.execute(database.db)
await sql`insert into referrals (id, centre_id, family_id, status, received_on, created_at, updated_at)
  select ${id('r', 'i')}, ${centre.id}, ${id('f', 'i')}, 'active', '2015-01-01', '2015-01-01T00:00:00.000Z', '2015-01-01T00:00:00.000Z'
  from (${series(FAMILIES)}) as n`.execute(database.db)

const app = createHttpApp(ctx, createLogger('silent'), {
  bodyLimitBytes: 1 << 20,
  isBehindTls: false,
})
const listener = getRequestListener(app.fetch)
const server = createServer((request, response) => {
  void listener(request, response)
})
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const { port } = server.address() as AddressInfo

process.on('message', (task: string) => {
  void (async () => {
    const started = performance.now()
    if (task === 'backup') await writeBackup(ctx, path.join(scratch.dataDir, 'bench.backup'))
    if (task === 'disposal') {
      const planned = await startDisposalRun(ctx, centre.id, undefined)
      await approveDisposalRun(ctx, operatorActor(centre.id), planned.runId ?? '', {
        familiesToDestroy: planned.familiesToDestroy,
      })
    }
    if (task === 'stop') {
      server.close()
      await database.close()
      await scratch.drop()
      process.exit(0)
    }
    process.send?.({ done: task, ms: performance.now() - started })
  })()
})
process.send?.({ url: `http://127.0.0.1:${String(port)}`, families: FAMILIES })
