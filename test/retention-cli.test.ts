import { spawn } from 'node:child_process'
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, it } from 'node:test'
import { childEnv, HAVEN_BIN, runHaven } from './support/processes.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Makes every family of the database look unused since 2015 (sessions included). */
function ageEverything(dir: string): void {
  const db = new DatabaseSync(path.join(dir, 'haven.db'))
  db.exec(`update families set last_activity_at = '2015-01-01T00:00:00.000Z'`)
  db.exec(
    `update contact_sessions set starts_at = '2015-01-03T10:00', ends_at = '2015-01-03T12:00'`,
  )
  db.close()
}

function countRows(dir: string, query: string): number {
  const db = new DatabaseSync(path.join(dir, 'haven.db'))
  const row = db.prepare(query).get() as { n: number }
  db.close()
  return row.n
}

describe('haven retention (RETAIN)', () => {
  it('lists what is due without changing anything, then plans a run that the coordinator approves', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-retention-'))
    dirs.push(dir)
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' }
    const demo = await runHaven(['demo', 'create', '--slug', 'oldtown', '--families', '5'], env)
    assert.equal(demo.code, 0, demo.stderr)
    const none = await runHaven(['retention', 'run', '--dry-run'], env)
    assert.equal(none.code, 0, none.stderr)
    assert.match(none.stdout, /^oldtown: 0 families and 0 other records due/m)

    ageEverything(dir)
    const dry = await runHaven(['retention', 'run', '--dry-run'], env)
    assert.equal(dry.code, 0, dry.stderr)
    assert.match(dry.stdout, /^oldtown: 5 families and 0 other records due/m)
    assert.match(dry.stdout, /destroys: family records 5, referral records 5, session records \d+/)
    assert.match(dry.stdout, /approval: the coordinator or the Chair of the Management Committee/)
    assert.equal(
      countRows(dir, 'select count(*) as n from disposal_runs'),
      0,
      'a dry run stores nothing',
    )
    const json = await runHaven(['retention', 'run', '--dry-run', '--json'], env)
    const plan = JSON.parse(json.stdout) as { centre: string; items: unknown[] }[]
    assert.equal(plan[0]?.items.length, 5)

    const run = await runHaven(['retention', 'run', '--centre', 'oldtown'], env)
    assert.equal(run.code, 0, run.stderr)
    const runId = /run ([0-9a-f-]{36}) of 5 items waits for approval/.exec(run.stdout)?.[1]
    assert.ok(runId, run.stdout)
    const again = await runHaven(['retention', 'run', '--centre', 'oldtown'], env)
    assert.match(again.stdout, new RegExp(`run ${runId} of 5 items still waits`))

    const usage = await runHaven(['retention', 'approve', '--centre', 'oldtown'], env)
    assert.equal(usage.code, 2)
    const wrong = await runHaven(
      ['retention', 'approve', '--centre', 'oldtown', '--run', 'nonsense', '--families', '1'],
      env,
    )
    assert.equal(wrong.code, 1)
    assert.equal(wrong.stderr.trim().split('\n').length, 1, wrong.stderr)

    const families = /approve with --families (\d+)/.exec(run.stdout)?.[1] ?? ''
    const unconfirmed = await runHaven(
      ['retention', 'approve', '--centre', 'oldtown', '--run', runId],
      env,
    )
    assert.equal(unconfirmed.code, 2, 'the number of families is asked for')
    assert.match(unconfirmed.stderr, /--families/)
    const miscounted = await runHaven(
      ['retention', 'approve', '--centre', 'oldtown', '--run', runId, '--families', '99'],
      env,
    )
    assert.equal(miscounted.code, 1, 'another number is refused')
    assert.match(miscounted.stderr, /destroys the records of \d+ famil/)
    const approved = await runHaven(
      ['retention', 'approve', '--centre', 'oldtown', '--run', runId, '--families', families],
      env,
    )
    assert.equal(approved.code, 0, approved.stderr)
    const certificate = JSON.parse(approved.stdout) as {
      clause: string
      families: { wholly: number; partly: number }
    }
    assert.equal(certificate.clause, 'RETAIN')
    assert.equal(certificate.families.wholly + certificate.families.partly, 5)
    assert.equal(
      countRows(dir, "select count(*) as n from families where wrapped_key <> 'shredded'"),
      0,
    )
    assert.equal(countRows(dir, 'select count(*) as n from contact_sessions'), 0)
    assert.equal(countRows(dir, 'select count(*) as n from disposal_ledger'), 5)
    const after = await runHaven(['retention', 'run', '--dry-run'], env)
    assert.match(after.stdout, /^oldtown: 0 families/m)
  })

  it('backs up, and restores into a new folder with the keys, applying the ledger again', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-backup-cli-'))
    dirs.push(dir)
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' }
    assert.equal(
      (await runHaven(['demo', 'create', '--slug', 'oldtown', '--families', '3'], env)).code,
      0,
    )
    const file = path.join(dir, 'before.backup')
    const made = await runHaven(['backup', '--out', file], env)
    assert.equal(made.code, 0, made.stderr)
    assert.match(made.stdout, /backup written to .*before\.backup: \d+ rows of \d+ tables/)
    ageEverything(dir)
    const run = await runHaven(['retention', 'run'], env)
    const runId = /run ([0-9a-f-]{36})/.exec(run.stdout)?.[1] ?? ''
    const families = /approve with --families (\d+)/.exec(run.stdout)?.[1] ?? ''
    assert.equal(
      (
        await runHaven(
          ['retention', 'approve', '--centre', 'oldtown', '--run', runId, '--families', families],
          env,
        )
      ).code,
      0,
    )

    const fresh = mkdtempSync(path.join(tmpdir(), 'haven-restored-'))
    dirs.push(fresh)
    for (const key of ['master.key', 'audit-signing.key'])
      copyFileSync(path.join(dir, key), path.join(fresh, key))
    const restoreEnv = {
      HAVEN_DATA_DIR: fresh,
      HAVEN_DEMO: 'false',
      HAVEN_DISPOSAL_LEDGER_FILE: path.join(dir, 'disposal-ledger.jsonl'),
    }
    const usage = await runHaven(['restore'], restoreEnv)
    assert.equal(usage.code, 2)
    // No ledger where it is said to be: refused, nothing restored, unless said out loud.
    const lost = await runHaven(['restore', file], {
      ...restoreEnv,
      HAVEN_DISPOSAL_LEDGER_FILE: path.join(fresh, 'nowhere.jsonl'),
    })
    assert.equal(lost.code, 2)
    assert.match(lost.stderr, /there is no disposal ledger at .*nowhere\.jsonl.*--without-ledger/)
    const restored = await runHaven(['restore', file], restoreEnv)
    assert.equal(restored.code, 0, restored.stderr)
    assert.match(restored.stdout, /applied 3 later disposals again from the ledger/)
    assert.equal(
      countRows(fresh, "select count(*) as n from families where wrapped_key <> 'shredded'"),
      0,
    )
    const again = await runHaven(['restore', file], restoreEnv)
    assert.equal(again.code, 1)
    assert.match(again.stderr, /already holds centres/)
    assert.equal(again.stderr.trim().split('\n').length, 1)

    const careless = mkdtempSync(path.join(tmpdir(), 'haven-restored-'))
    dirs.push(careless)
    for (const key of ['master.key', 'audit-signing.key'])
      copyFileSync(path.join(dir, key), path.join(careless, key))
    const without = await runHaven(['restore', file, '--without-ledger'], {
      HAVEN_DATA_DIR: careless,
      HAVEN_DEMO: 'false',
    })
    assert.equal(without.code, 0, without.stderr)
    assert.match(without.stderr, /WITHOUT the disposal ledger: every family and record destroyed/)
    assert.equal(
      countRows(careless, "select count(*) as n from families where wrapped_key <> 'shredded'"),
      3,
      'everything destroyed came back, as it said',
    )
  })

  it('a restore killed at any moment leaves nothing, or everything with the later disposals applied (issue 16)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-backup-kill-'))
    dirs.push(dir)
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' }
    assert.equal(
      (await runHaven(['demo', 'create', '--slug', 'kt', '--families', '3'], env)).code,
      0,
    )
    const file = path.join(dir, 'before.backup')
    assert.equal((await runHaven(['backup', '--out', file], env)).code, 0)
    ageEverything(dir)
    const run = await runHaven(['retention', 'run'], env)
    const runId = /run ([0-9a-f-]{36})/.exec(run.stdout)?.[1] ?? ''
    const families = /approve with --families (\d+)/.exec(run.stdout)?.[1] ?? ''
    const approved = await runHaven(
      ['retention', 'approve', '--centre', 'kt', '--run', runId, '--families', families],
      env,
    )
    assert.equal(approved.code, 0, approved.stderr)
    const safeCount = (where: string, query: string): number => {
      if (!existsSync(path.join(where, 'haven.db'))) return 0
      try {
        return countRows(where, query)
      } catch {
        return 0 // no schema yet: nothing was restored
      }
    }
    const outcomes: string[] = []
    for (const delay of [250, 500, 750, 1000, 1500, 2500]) {
      const fresh = mkdtempSync(path.join(tmpdir(), 'haven-restored-'))
      dirs.push(fresh)
      for (const key of ['master.key', 'audit-signing.key'])
        copyFileSync(path.join(dir, key), path.join(fresh, key))
      const restoreEnv = {
        HAVEN_DATA_DIR: fresh,
        HAVEN_DEMO: 'false',
        HAVEN_DISPOSAL_LEDGER_FILE: path.join(dir, 'disposal-ledger.jsonl'),
      }
      const child = spawn(process.execPath, [HAVEN_BIN, 'restore', file], {
        env: childEnv(restoreEnv),
        stdio: 'ignore',
      })
      const exited = new Promise<void>((resolve) =>
        child.on('exit', () => {
          resolve()
        }),
      )
      const timer = setTimeout(() => child.kill('SIGKILL'), delay)
      await exited
      clearTimeout(timer)
      const centres = safeCount(fresh, 'select count(*) as n from centres')
      const living = safeCount(
        fresh,
        "select count(*) as n from families where wrapped_key <> 'shredded'",
      )
      assert.ok(
        centres === 0 || living === 0,
        `killed after ${String(delay)} ms: families came back`,
      )
      outcomes.push(centres === 0 ? 'nothing' : 'everything')
      // The next attempt finishes the job, or says it is done.
      const again = await runHaven(['restore', file], restoreEnv)
      assert.equal(again.code, centres === 0 ? 0 : 1, again.stderr)
      assert.equal(safeCount(fresh, 'select count(*) as n from centres'), 1)
      assert.equal(
        safeCount(fresh, "select count(*) as n from families where wrapped_key <> 'shredded'"),
        0,
      )
    }
    assert.ok(outcomes.includes('nothing'), outcomes.join(', '))
  })
})
