import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  adultTerm,
  childTerm,
  familyTerms,
  foldText,
  nameTerms,
  phoneDigits,
  postcodeTerms,
  queryParts,
} from './search-terms.ts'

describe('search terms', () => {
  it('folds accents, case and letters without a decomposition', () => {
    assert.equal(foldText('Nguyễn'), 'nguyen')
    assert.equal(foldText('ŁÓDŹ'), 'lodz')
    assert.equal(foldText('Siân Llŷr'), 'sian llyr')
    assert.equal(foldText("O'Brien-Smith"), 'o brien smith')
  })

  it('gives each word of a name and its beginnings from three letters', () => {
    assert.deepEqual(nameTerms('Jory', 'Penhallow').sort(), [
      'b:jor',
      'b:pen',
      'b:penh',
      'b:penha',
      'b:penhal',
      'b:penhall',
      'b:penhallo',
      'n:jory',
      'n:penhallow',
    ])
    assert.ok(nameTerms('Ann', "O'Neill").includes('n:oneill'), 'an apostrophe joins')
  })

  it('finds UK postcodes in an address, full and outward, with or without the space', () => {
    assert.deepEqual(postcodeTerms('3 Quillet Row,\nQ2 4ZZ'), ['p:Q24ZZ', 'o:Q2'])
    assert.deepEqual(postcodeTerms('flat 1, sw1a1aa'), ['p:SW1A1AA', 'o:SW1A'])
    assert.deepEqual(postcodeTerms('no postcode here'), [])
  })

  it('reads a phone number as its digits, +44 and 0044 as 0', () => {
    assert.equal(phoneDigits('07700 900123'), '07700900123')
    assert.equal(phoneDigits('+44 7700 900123'), '07700900123')
    assert.equal(phoneDigits('0044 (0)7700-900123'), '07700900123')
  })

  it('tells a child by name and date of birth, and an adult by full name', () => {
    assert.equal(childTerm('Demelza ', 'PENHALLOW', '2020-08-14'), 'c:demelza|penhallow|2020-08-14')
    assert.equal(adultTerm('Jöry', 'Penhallow'), 'a:jory|penhallow')
    const terms = familyTerms([
      {
        givenName: 'Tamsin',
        familyName: 'Carrow',
        isChild: false,
        address: 'Q2 4ZZ',
        phone: '07700 900123',
      },
      { givenName: 'Demelza', familyName: 'Penhallow', isChild: true, dateOfBirth: '2020-08-14' },
    ])
    for (const t of [
      'n:tamsin',
      'a:tamsin|carrow',
      'p:Q24ZZ',
      't:07700900123',
      'c:demelza|penhallow|2020-08-14',
    ])
      assert.ok(terms.includes(t), t)
    assert.ok(!terms.includes('a:demelza|penhallow'), 'a child is told by date of birth too')
  })

  it('splits a search into parts that must all match', () => {
    assert.deepEqual(queryParts('Penhallow Q2 4ZZ'), [['p:Q24ZZ'], ['n:penhallow', 'b:penhallow']])
    assert.deepEqual(queryParts('+44 7700 900123'), [['t:07700900123']])
    assert.deepEqual(queryParts('Pen q2'), [['n:pen', 'b:pen'], ['o:Q2']])
    assert.deepEqual(queryParts('Li'), [['n:li']], 'a short name is matched whole only')
    assert.deepEqual(queryParts('  '), [])
  })
})
