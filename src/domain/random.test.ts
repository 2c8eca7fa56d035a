import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { seededRandom } from './random.ts'

describe('the seeded generator', () => {
  it('repeats for a seed and stays in range', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    for (let i = 0; i < 1000; i += 1) {
      const value = a.next()
      assert.equal(value, b.next())
      assert.ok(value >= 0 && value < 1)
      const whole = a.integer(3, 5)
      b.integer(3, 5)
      assert.ok(whole >= 3 && whole <= 5 && Number.isInteger(whole))
    }
  })

  it('reaches both ends of an integer range', () => {
    const random = seededRandom(1)
    const seen = new Set<number>()
    for (let i = 0; i < 200; i += 1) seen.add(random.integer(1, 3))
    assert.deepEqual([...seen].sort(), [1, 2, 3])
  })

  it('refuses to pick from nothing', () => {
    assert.throws(() => seededRandom(1).pick([]), RangeError)
  })
})
