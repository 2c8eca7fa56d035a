import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addDays } from './calendar.ts'
import { planDemoCentre } from './demo-centre.ts'

const TODAY = '2026-11-21'

describe('the demo centre plan', () => {
  const plan = planDemoCentre({ seed: 7, today: TODAY })

  it('is deterministic for a seed and differs between seeds', () => {
    assert.deepEqual(planDemoCentre({ seed: 7, today: TODAY }), plan)
    assert.notDeepEqual(planDemoCentre({ seed: 8, today: TODAY }), plan)
  })

  it('has families with two parents and one to three children', () => {
    assert.equal(plan.families.length, 24)
    for (const family of plan.families) {
      const kinds = family.people.map((person) => person.kind)
      assert.equal(kinds.filter((kind) => kind === 'resident_parent').length, 1)
      assert.equal(kinds.filter((kind) => kind === 'non_resident_parent').length, 1)
      const children = family.people.filter((person) => person.kind === 'child')
      assert.ok(children.length >= 1 && children.length <= 3)
      for (const child of children) {
        assert.ok(
          child.dateOfBirth !== undefined &&
            child.dateOfBirth < TODAY &&
            child.dateOfBirth > '2010-01-01',
        )
        assert.equal(child.address, undefined)
        assert.equal(child.phone, undefined)
      }
    }
    assert.equal(
      new Set(plan.families.map((family) => family.reference)).size,
      plan.families.length,
    )
  })

  it('never gives two people of one family the same first name, at any size', () => {
    for (const seed of [1, 2, 3, 7, 20_240_301]) {
      const big = planDemoCentre({ seed, today: TODAY, familyCount: 200 })
      for (const family of big.families) {
        const names = family.people.map((person) => person.givenName)
        assert.equal(new Set(names).size, names.length, `${family.reference}: ${names.join(', ')}`)
      }
    }
  })

  it('uses only phone numbers Ofcom keeps for drama and postcodes no UK area uses', () => {
    const adults = plan.families.flatMap((family) =>
      family.people.filter((person) => person.kind !== 'child'),
    )
    assert.ok(adults.length >= 48)
    for (const adult of adults) {
      assert.match(adult.phone ?? '', /^(07700 900\d{3}|01632 960\d{3})$/)
      assert.match(adult.address ?? '', / Q[A-E]\d{1,2} \d[A-Z]{2}$/)
    }
  })

  it('spans the weeks before and after today, with the past recorded and the future booked', () => {
    const first = addDays(TODAY, -70)
    const last = addDays(TODAY, 28)
    assert.ok(plan.sessions.length > 150)
    for (const session of plan.sessions) {
      const date = session.startsAt.slice(0, 10)
      assert.ok(date >= first && date < last, date)
      assert.ok(session.endsAt > session.startsAt)
      if (date >= TODAY) assert.equal(session.status, 'booked')
      else assert.notEqual(session.status, 'booked')
    }
    const statuses = new Set(plan.sessions.map((session) => session.status))
    assert.deepEqual([...statuses].sort(), ['attended', 'booked', 'cancelled', 'did_not_attend'])
  })

  it('never books one room twice at the same time, at any size', () => {
    for (const familyCount of [1, 24, 40, 120]) {
      const sized = planDemoCentre({ seed: 3, today: TODAY, familyCount })
      const seen = new Set<string>()
      for (const session of sized.sessions) {
        const key = `${session.roomIndex}@${session.startsAt}`
        assert.ok(!seen.has(key), `room ${key} double-booked with ${familyCount} families`)
        seen.add(key)
        assert.ok(session.familyIndex < familyCount)
        assert.ok(session.roomIndex < sized.rooms.length)
      }
    }
  })

  it('gives every family sessions', () => {
    const families = new Set(plan.sessions.map((session) => session.familyIndex))
    assert.equal(families.size, plan.families.length)
  })
})
