import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { addDays, ukDateTime } from '../src/domain/calendar.ts'
import { runHaven } from './support/processes.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe("a coordinator's day from the haven command", () => {
  it("lists the referrals and a day's sessions, first names only", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-cases-'))
    dirs.push(dir)
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' }
    assert.equal((await runHaven(['demo', 'create'], env)).code, 0)
    const referrals = await runHaven(['referrals', 'list', '--centre', 'demo', '--json'], env)
    assert.equal(referrals.code, 0, referrals.stderr)
    const inbox = JSON.parse(referrals.stdout) as { status: string }[]
    assert.equal(inbox.length, 24, 'every demo family was referred')
    assert.deepEqual([...new Set(inbox.map((r) => r.status))].sort(), ['active', 'waiting'])
    const today = ukDateTime(new Date()).slice(0, 10)
    let sessions = 0
    for (let i = 0; i < 7; i += 1) {
      const day = await runHaven(
        ['sessions', 'day', '--centre', 'demo', '--date', addDays(today, i), '--json'],
        env,
      )
      assert.equal(day.code, 0, day.stderr)
      const list = JSON.parse(day.stdout) as { people: { givenName: string }[] }[]
      sessions += list.length
      for (const session of list) assert.ok(session.people.length >= 2, 'each session has its plan')
      assert.ok(
        !day.stdout.includes('address') && !day.stdout.includes('07700'),
        'no contact details',
      )
    }
    assert.ok(sessions > 0, 'the demo has sessions in the coming week')
    const bad = await runHaven(['sessions', 'day', '--centre', 'demo', '--date', '2026-02-30'], env)
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /the day is YYYY-MM-DD/)
  })
})
