import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { consentFor, consentStateOn, sameRecipientName, type ConsentRecord } from './consent.ts'

const base: ConsentRecord = {
  id: 'c1',
  personId: 'mother',
  category: 'contact_details',
  recipientKind: 'other_agency',
  recipientName: 'Ashbury GP Surgery',
  purpose: 'other',
  evidence: 'written',
  givenOn: '2027-01-10',
}
const ask = {
  personId: 'mother',
  category: 'contact_details',
  recipientKind: 'other_agency',
  recipientName: 'ashbury gp surgery',
  purpose: 'other',
}

describe('consent (CONTACT)', () => {
  const states: [string, Partial<ConsentRecord>, string, string][] = [
    ['live from the day it is given', {}, '2027-01-10', 'live'],
    ['not before', {}, '2027-01-09', 'not_yet_given'],
    ['live on its expiry day', { expiresOn: '2027-06-30' }, '2027-06-30', 'live'],
    ['expired the day after', { expiresOn: '2027-06-30' }, '2027-07-01', 'expired'],
    [
      'withdrawn from the day of withdrawal',
      { withdrawnOn: '2027-02-01' },
      '2027-02-01',
      'withdrawn',
    ],
    ['live the day before withdrawal', { withdrawnOn: '2027-02-01' }, '2027-01-31', 'live'],
    [
      'withdrawal beats expiry',
      { withdrawnOn: '2027-02-01', expiresOn: '2027-01-20' },
      '2027-03-01',
      'withdrawn',
    ],
  ]
  for (const [name, change, today, state] of states)
    it(name, () => {
      assert.equal(consentStateOn({ ...base, ...change }, today), state)
    })

  it('matches recipient names whatever their case, spacing and ampersands', () => {
    assert.ok(sameRecipientName('Hollis & Co Solicitors', 'hollis and co  solicitors'))
    assert.ok(!sameRecipientName('Hollis & Co', 'Marsh Family Law'))
    assert.ok(!sameRecipientName('', ''))
  })

  it('finds the live consent for this person, category, recipient and purpose', () => {
    const found = consentFor([base], ask, '2027-03-01')
    assert.deepEqual(found, {
      state: 'live',
      consentId: 'c1',
      engine: {
        isLive: true,
        matchesCategory: true,
        matchesRecipient: true,
        matchesPurpose: true,
        isExplicit: true,
      },
    })
  })

  it('tells the engine a consent is explicit when given in writing or in Haven, not when spoken', () => {
    for (const [evidence, isExplicit] of [
      ['written', true],
      ['in_haven', true],
      ['verbal', false],
    ] as const)
      assert.equal(
        consentFor([{ ...base, evidence }], ask, '2027-03-01').engine?.isExplicit,
        isExplicit,
        evidence,
      )
  })

  it('answers with the written consent where a spoken one stands beside it', () => {
    const found = consentFor(
      [
        { ...base, id: 'spoken', evidence: 'verbal' },
        { ...base, id: 'written', evidence: 'written', givenOn: '2027-02-01' },
      ],
      ask,
      '2027-03-01',
    )
    assert.equal(found.consentId, 'written')
    assert.equal(found.engine?.isExplicit, true)
  })

  const misses: [string, Partial<typeof ask>][] = [
    ['another person', { personId: 'father' }],
    ['another category', { category: 'attendance' }],
    ['another recipient', { recipientName: 'Marsh Family Law' }],
    ['another kind of recipient', { recipientKind: 'former_partner' }],
    ['another purpose', { purpose: 'family_proceedings' }],
  ]
  for (const [name, change] of misses)
    it(`finds none for ${name}`, () => {
      assert.deepEqual(consentFor([base], { ...ask, ...change }, '2027-03-01'), { state: 'none' })
    })

  it('says a matching consent was withdrawn, and tells the engine it is not live', () => {
    const found = consentFor([{ ...base, withdrawnOn: '2027-02-01' }], ask, '2027-03-01')
    assert.equal(found.state, 'withdrawn')
    assert.equal(found.engine?.isLive, false)
  })

  it('prefers a live consent to a withdrawn one given later', () => {
    const found = consentFor(
      [
        { ...base, id: 'old', givenOn: '2027-01-01' },
        { ...base, id: 'new', givenOn: '2027-02-01', withdrawnOn: '2027-02-10' },
      ],
      ask,
      '2027-03-01',
    )
    assert.equal(found.consentId, 'old')
    assert.equal(found.state, 'live')
  })
})
