import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  backupFileName,
  backupTakenAt,
  isBackupDue,
  isoWeekOf,
  planRotation,
  type DatedBackup,
} from './backup-rotation.ts'

function backup(iso: string): DatedBackup {
  const takenAt = new Date(iso)
  return { name: backupFileName(takenAt), takenAt }
}

/** One backup a day at 02:30 UK time (01:30 UTC in summer, 02:30 in winter), for `days` days. */
function nightly(firstUtcDate: string, days: number): DatedBackup[] {
  const list: DatedBackup[] = []
  for (let i = 0; i < days; i += 1) {
    const day = new Date(Date.parse(`${firstUtcDate}T02:30:00Z`) + i * 86_400_000)
    list.push({ name: backupFileName(day), takenAt: day })
  }
  return list
}

const keptNames = (plan: ReturnType<typeof planRotation>) => plan.keep.map((k) => k.name)

describe('backup file names', () => {
  it('names a backup by its UTC instant, and reads the instant back', () => {
    const at = new Date('2026-12-02T02:30:05.123Z')
    assert.equal(backupFileName(at), 'haven-20261202T023005Z.backup')
    assert.equal(
      backupTakenAt('haven-20261202T023005Z.backup')?.toISOString(),
      '2026-12-02T02:30:05.000Z',
    )
  })

  for (const name of [
    'haven-20261202T023005Z.backup.partial',
    'haven-20261302T023005Z.backup',
    'haven-20260231T023005Z.backup',
    'haven-20261202T253005Z.backup',
    'notes.txt',
    'haven.backup',
    'haven-20261202T023005.backup',
  ]) {
    it(`leaves ${name} alone: not a dated backup`, () => {
      assert.equal(backupTakenAt(name), undefined)
    })
  }
})

describe('ISO weeks', () => {
  const weeks: [string, string][] = [
    ['2026-12-28', '2026-W53'], // Monday of the 53rd week
    ['2026-12-31', '2026-W53'],
    ['2027-01-01', '2026-W53'], // a Friday: still the year before's week
    ['2027-01-03', '2026-W53'], // Sunday
    ['2027-01-04', '2027-W01'], // Monday
    ['2024-12-30', '2025-W01'], // a Monday in December, already next year's first week
    ['2025-12-29', '2026-W01'],
    ['2026-03-29', '2026-W13'], // the Sunday the clocks go forward
    ['2026-03-30', '2026-W14'],
    ['2024-02-29', '2024-W09'],
  ]
  for (const [date, week] of weeks) {
    it(`${date} is in ${week}`, () => {
      assert.equal(isoWeekOf(date), week)
    })
  }
})

describe('rotation', () => {
  it('keeps the newest of each of the last 7 days, 5 weeks and 12 months, and deletes the rest', () => {
    // 400 nightly backups up to Wednesday 2 December 2026.
    const all = nightly('2025-10-29', 400)
    assert.equal(all.at(-1)?.takenAt.toISOString().slice(0, 10), '2026-12-02')
    const plan = planRotation(all, { daily: 7, weekly: 5, monthly: 12 })
    const byDate = new Map(
      plan.keep.map((k) => [backupTakenAt(k.name)?.toISOString().slice(0, 10), k.reasons]),
    )
    // Daily: 26 November to 2 December.
    for (const date of ['2026-11-26', '2026-11-30', '2026-12-02'])
      assert.ok(byDate.get(date)?.includes('daily'), date)
    assert.ok(!byDate.get('2026-11-25')?.includes('daily'))
    // Weekly: the newest of each ISO week, which is its Sunday, or today for this week.
    const weekly = [...byDate].filter(([, r]) => r.includes('weekly')).map(([d]) => d)
    assert.deepEqual(weekly, ['2026-12-02', '2026-11-29', '2026-11-22', '2026-11-15', '2026-11-08'])
    // Monthly: the last day of each month, back to January 2026, and today for December.
    const monthly = [...byDate].filter(([, r]) => r.includes('monthly')).map(([d]) => d)
    assert.deepEqual(monthly, [
      '2026-12-02',
      '2026-11-30',
      '2026-10-31',
      '2026-09-30',
      '2026-08-31',
      '2026-07-31',
      '2026-06-30',
      '2026-05-31',
      '2026-04-30',
      '2026-03-31',
      '2026-02-28',
      '2026-01-31',
    ])
    // Kept: 7 days + 3 earlier Sundays + 10 earlier month ends (30 November is a day kept).
    assert.equal(plan.keep.length, 7 + 3 + 10)
    assert.equal(plan.keep.length + plan.remove.length, 400)
    assert.ok(plan.remove.includes(backupFileName(new Date('2025-12-31T02:30:00Z'))))
  })

  it('keeps only the newest of several backups in a day', () => {
    const plan = planRotation(
      [
        backup('2026-06-10T01:30:00Z'),
        backup('2026-06-10T14:00:00Z'),
        backup('2026-06-09T01:30:00Z'),
      ],
      { daily: 2, weekly: 0, monthly: 0 },
    )
    assert.deepEqual(keptNames(plan), [
      backupFileName(new Date('2026-06-10T14:00:00Z')),
      backupFileName(new Date('2026-06-09T01:30:00Z')),
    ])
    assert.deepEqual(plan.remove, [backupFileName(new Date('2026-06-10T01:30:00Z'))])
  })

  it('counts days that have a backup, not calendar days: a server off for a month keeps its last ones', () => {
    const plan = planRotation([...nightly('2026-04-01', 5), backup('2026-06-01T01:30:00Z')], {
      daily: 3,
      weekly: 0,
      monthly: 0,
    })
    assert.equal(plan.keep.length, 3)
    assert.deepEqual(
      plan.keep.map((k) => backupTakenAt(k.name)?.toISOString().slice(0, 10)),
      ['2026-06-01', '2026-04-05', '2026-04-04'],
    )
  })

  it('reads days in UK time: 00:30 BST is the next day, though still the day before in UTC', () => {
    // 23:30 UTC on 9 June is 00:30 BST on 10 June; 23:30 UTC on 9 January is 23:30 GMT, 9 January.
    const summer = planRotation([backup('2026-06-09T23:30:00Z'), backup('2026-06-10T12:00:00Z')], {
      daily: 5,
      weekly: 0,
      monthly: 0,
    })
    assert.equal(summer.keep.length, 1, 'the same UK day: only the newer is kept')
    const winter = planRotation([backup('2026-01-09T23:30:00Z'), backup('2026-01-10T12:00:00Z')], {
      daily: 5,
      weekly: 0,
      monthly: 0,
    })
    assert.equal(winter.keep.length, 2, 'two UK days in winter')
  })

  it('across the clock changes, each UK day keeps one backup', () => {
    // 02:30 UK time every night across the last Sundays of March and October 2026.
    const uk = (local: string, offsetHours: number) =>
      backup(new Date(Date.parse(`${local}:00Z`) - offsetHours * 3_600_000).toISOString())
    const march = [
      uk('2026-03-28T02:30', 0),
      uk('2026-03-29T02:30', 1), // the clocks went forward at 01:00 GMT
      uk('2026-03-30T02:30', 1),
    ]
    const october = [
      uk('2026-10-24T02:30', 1),
      uk('2026-10-25T01:30', 1), // the first 01:30 (BST)
      uk('2026-10-25T01:30', 0), // the second 01:30 (GMT), an hour later
      uk('2026-10-26T02:30', 0),
    ]
    const planMarch = planRotation(march, { daily: 3, weekly: 0, monthly: 0 })
    assert.equal(planMarch.keep.length, 3)
    const planOctober = planRotation(october, { daily: 10, weekly: 0, monthly: 0 })
    assert.equal(planOctober.keep.length, 3, 'one kept for each of the three UK days')
    assert.deepEqual(planOctober.remove, [october[1]?.name], 'the earlier 01:30 goes')
  })

  it('at a year end, a week spanning two years is one ISO week, and each month is its own', () => {
    const list = nightly('2026-12-26', 12) // to 6 January 2027
    const plan = planRotation(list, { daily: 0, weekly: 3, monthly: 2 })
    const reasonsOf = (date: string) =>
      plan.keep.find((k) => backupTakenAt(k.name)?.toISOString().startsWith(date))?.reasons ?? []
    assert.deepEqual(reasonsOf('2027-01-06'), ['weekly', 'monthly'])
    assert.deepEqual(reasonsOf('2027-01-03'), ['weekly'], 'Sunday 3 January ends 2026-W53')
    assert.deepEqual(reasonsOf('2026-12-31'), ['monthly'], 'inside 2026-W53, but December ends')
    assert.deepEqual(reasonsOf('2026-12-27'), ['weekly'], 'Sunday 27 December ends 2026-W52')
    assert.equal(plan.keep.length, 4)
  })

  it('keeps nothing it was not asked to, and deletes nothing when asked to keep more than there are', () => {
    const list = nightly('2026-05-01', 4)
    assert.equal(planRotation(list, { daily: 30, weekly: 10, monthly: 12 }).remove.length, 0)
    assert.equal(planRotation([], { daily: 7, weekly: 5, monthly: 12 }).keep.length, 0)
    const one = planRotation(list, { daily: 1, weekly: 0, monthly: 0 })
    assert.deepEqual(keptNames(one), [list[3]?.name])
    assert.equal(one.remove.length, 3)
  })
})

describe('when the scheduled backup is due', () => {
  const at = '02:30'
  it('is due once the UK time reaches the hour and no backup was taken since', () => {
    assert.equal(isBackupDue(new Date('2026-12-02T02:29:00Z'), at, []), false)
    assert.equal(isBackupDue(new Date('2026-12-02T02:30:00Z'), at, []), true)
    assert.equal(isBackupDue(new Date('2026-12-02T09:00:00Z'), at, []), true, 'late start')
    const taken = [backup('2026-12-02T02:30:10Z')]
    assert.equal(isBackupDue(new Date('2026-12-02T02:31:00Z'), at, taken), false)
    assert.equal(isBackupDue(new Date('2026-12-02T23:59:00Z'), at, taken), false)
    assert.equal(isBackupDue(new Date('2026-12-03T02:30:00Z'), at, taken), true, 'the next day')
    const before = [backup('2026-12-02T01:00:00Z')]
    assert.equal(
      isBackupDue(new Date('2026-12-02T02:31:00Z'), at, before),
      true,
      'a backup taken earlier in the night is not the scheduled one',
    )
  })

  it('reads the hour in UK time: in summer 02:30 BST is 01:30 UTC', () => {
    assert.equal(isBackupDue(new Date('2026-06-10T01:29:00Z'), at, []), false)
    assert.equal(isBackupDue(new Date('2026-06-10T01:30:00Z'), at, []), true)
  })

  it('takes the backup at 02:00 when the clocks skip 01:30, and once when 01:30 comes twice', () => {
    // 29 March 2026: 01:00 GMT becomes 02:00 BST.
    assert.equal(isBackupDue(new Date('2026-03-29T00:59:00Z'), '01:30', []), false)
    assert.equal(isBackupDue(new Date('2026-03-29T01:00:00Z'), '01:30', []), true)
    // 25 October 2026: 02:00 BST becomes 01:00 GMT; 01:30 BST is 00:30 UTC.
    const first = new Date('2026-10-25T00:30:00Z')
    assert.equal(isBackupDue(first, '01:30', []), true)
    const taken = [{ name: backupFileName(first), takenAt: first }]
    assert.equal(isBackupDue(new Date('2026-10-25T01:30:00Z'), '01:30', taken), false)
  })

  it('a backup dated in the future (a clock that was wrong) does not stop today’s', () => {
    const future = [backup('2027-01-01T02:30:00Z')]
    assert.equal(isBackupDue(new Date('2026-12-02T02:30:00Z'), at, future), true)
  })
})
