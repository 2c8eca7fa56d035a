import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { defaultPlan, separationProblems, type PlannedAttendee } from './separation.ts'

const session = { startsAt: '2026-11-21T10:00', endsAt: '2026-11-21T12:00' }
const family = [
  { personId: 'mum', role: 'resident_parent' as const },
  { personId: 'dad', role: 'non_resident_parent' as const },
  { personId: 'child', role: 'child' as const },
  { personId: 'gran', role: 'other_adult' as const, comesWith: 'non_resident_parent' as const },
]
const apart = { isSeparationRequired: true, staggerMinutes: 15 }

const times = (plan: PlannedAttendee[]) =>
  Object.fromEntries(
    plan.map((p) => [p.personId, `${p.arrivesAt.slice(11)}-${p.leavesAt.slice(11)}`]),
  )

describe('keeping parents apart', () => {
  it('brings the visiting side in first and lets it go last, 15 minutes either side', () => {
    assert.deepEqual(times(defaultPlan(session, family, apart)), {
      mum: '10:00-12:00',
      dad: '09:45-12:15',
      child: '10:00-12:00',
      gran: '09:45-12:15',
    })
  })

  it("uses the centre's own interval", () => {
    const plan = defaultPlan(session, family, { isSeparationRequired: true, staggerMinutes: 10 })
    assert.equal(times(plan)['dad'], '09:50-12:10')
    assert.deepEqual(
      separationProblems(plan, { isSeparationRequired: true, staggerMinutes: 10 }),
      [],
    )
  })

  it('keeps the session times for everyone when the family needs no separation', () => {
    const plan = defaultPlan(session, family, { isSeparationRequired: false, staggerMinutes: 15 })
    assert.ok(Object.values(times(plan)).every((t) => t === '10:00-12:00'))
    assert.deepEqual(
      separationProblems(plan, { isSeparationRequired: false, staggerMinutes: 15 }),
      [],
    )
  })

  it('finds nothing wrong with the default plan', () => {
    assert.deepEqual(separationProblems(defaultPlan(session, family, apart), apart), [])
  })

  it('refuses arrivals or departures closer than the interval, and a shared waiting room', () => {
    const plan = defaultPlan(session, family, apart).map((p) =>
      p.personId === 'dad'
        ? { ...p, arrivesAt: '2026-11-21T09:55', leavesAt: '2026-11-21T12:05', waitingRoomId: 'r1' }
        : p.personId === 'mum'
          ? { ...p, waitingRoomId: 'r1' }
          : p,
    )
    assert.deepEqual(separationProblems(plan, apart), [
      'the parents would arrive less than 15 minutes apart',
      'the parents would leave less than 15 minutes apart',
      'the parents would wait in the same room',
    ])
  })

  it('counts an accompanying adult on the side they come with', () => {
    const plan = defaultPlan(session, family, apart).map((p) =>
      p.personId === 'gran' ? { ...p, arrivesAt: '2026-11-21T10:05' } : p,
    )
    assert.deepEqual(separationProblems(plan, apart), [
      'the parents would arrive less than 15 minutes apart',
    ])
  })

  it('accepts exactly the interval, and refuses a minute less', () => {
    const at = (dad: string) =>
      separationProblems(
        [
          {
            personId: 'mum',
            role: 'resident_parent',
            arrivesAt: '2026-11-21T10:00',
            leavesAt: '2026-11-21T12:00',
          },
          {
            personId: 'dad',
            role: 'non_resident_parent',
            arrivesAt: dad,
            leavesAt: '2026-11-21T12:30',
          },
        ],
        apart,
      )
    assert.deepEqual(at('2026-11-21T09:45'), [])
    assert.equal(at('2026-11-21T09:46').length, 1)
    assert.deepEqual(at('2026-11-21T10:15'), [])
  })

  it('refuses someone leaving before they arrive', () => {
    const plan = [
      {
        personId: 'mum',
        role: 'resident_parent' as const,
        arrivesAt: '2026-11-21T12:00',
        leavesAt: '2026-11-21T10:00',
      },
    ]
    assert.deepEqual(
      separationProblems(plan, { isSeparationRequired: false, staggerMinutes: 15 }),
      ['someone is planned to leave before they arrive'],
    )
  })
})
