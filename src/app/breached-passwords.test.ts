import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { BREACHED_PASSWORD_REASON, breachedListKey } from '../domain/password-rules.ts'
import { breachedPasswords, loadBreachedPasswords } from './breached-passwords.ts'
import { judgeNewPassword } from './password-policy.ts'

describe('the list of breached passwords', () => {
  it('V6.2.12 holds hundreds of thousands of breached passwords, read from the pinned package', () => {
    const list = breachedPasswords()
    assert.ok(list.size >= 100_000, `only ${list.size} entries`)
    assert.equal(breachedPasswords(), list, 'loaded once per process')
    for (const listed of ['password', '12345678', 'qwertyuiop', 'liverpool', 'iloveyou1']) {
      assert.equal(list.has(breachedListKey(listed)), true, listed)
    }
  })

  const breached = [
    '123456789012',
    'password1234',
    'PASSWORD1234',
    'qwertyuiop123',
    'iloveyou1234',
    'liverpool1234',
    'Password1234',
  ]
  for (const password of breached) {
    it(`V6.2.12 refuses ${JSON.stringify(password)}, a breached password of 12 or more characters`, () => {
      assert.deepEqual(judgeNewPassword(password, []), {
        ok: false,
        reason: BREACHED_PASSWORD_REASON,
      })
    })
  }

  const unlisted = [
    'lantern orchard pebble',
    'kettle marigold harbour',
    'correct horse battery staple',
    'Xq7#mv2p',
  ]
  for (const password of unlisted) {
    it(`V6.2.5 accepts ${JSON.stringify(password)}, which is on no list`, () => {
      assert.deepEqual(judgeNewPassword(password, []), { ok: true })
    })
  }

  it('V6.2.4 keys entries as the rule asks (case folded), drops short ones and blank lines', () => {
    const list = loadBreachedPasswords('Sunshine2024\r\nabc\n\nsunshine2024\nhunter22hunter\n')
    assert.equal(list.size, 2, 'the case-folded duplicate counts once; "abc" is too short')
    assert.equal(list.has(breachedListKey('SUNSHINE2024')), true)
    assert.equal(list.has(breachedListKey('hunter22hunter')), true)
    assert.equal(list.has('abc'), false)
    assert.equal(list.has(''), false)
    assert.equal(list.has(breachedListKey('sunshine2025')), false)
  })
})
