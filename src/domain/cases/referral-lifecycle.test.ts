import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  canMoveReferral,
  isBookable,
  isReferralStatus,
  nextStatuses,
  REFERRAL_STATUSES,
  type ReferralStatus,
} from './referral-lifecycle.ts'

const ALLOWED: [ReferralStatus, ReferralStatus][] = [
  ['received', 'pre_visits'],
  ['pre_visits', 'risk_assessed'],
  ['risk_assessed', 'accepted'],
  ['risk_assessed', 'declined'],
  ['accepted', 'waiting'],
  ['accepted', 'active'],
  ['waiting', 'active'],
  ['active', 'waiting'],
  ['active', 'closed'],
  ['received', 'declined'],
  ['pre_visits', 'closed'],
]
const REFUSED: [ReferralStatus, ReferralStatus][] = [
  ['received', 'accepted'],
  ['received', 'active'],
  ['pre_visits', 'accepted'],
  ['declined', 'received'],
  ['declined', 'accepted'],
  ['closed', 'active'],
  ['closed', 'received'],
  ['waiting', 'declined'],
  ['active', 'received'],
  ['accepted', 'accepted'],
]

describe('the referral lifecycle', () => {
  for (const [from, to] of ALLOWED)
    it(`moves ${from} → ${to}`, () => {
      assert.equal(canMoveReferral(from, to), true)
    })
  for (const [from, to] of REFUSED)
    it(`refuses ${from} → ${to}`, () => {
      assert.equal(canMoveReferral(from, to), false)
    })

  it('ends at declined and closed, and every other state can still be closed', () => {
    for (const status of REFERRAL_STATUSES) {
      const next = nextStatuses(status)
      if (status === 'declined' || status === 'closed') assert.deepEqual(next, [])
      else assert.ok(next.includes('closed'), status)
    }
  })

  it('lets sessions be booked only once the family is accepted, and until it is closed', () => {
    assert.deepEqual(REFERRAL_STATUSES.filter(isBookable), ['accepted', 'waiting', 'active'])
  })

  it('knows its statuses', () => {
    assert.equal(isReferralStatus('waiting'), true)
    assert.equal(isReferralStatus('pending'), false)
  })
})
