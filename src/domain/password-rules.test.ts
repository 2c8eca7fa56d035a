import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { judgeNewPassword } from './password-rules.ts'

describe('new passwords', () => {
  const cases: [string, boolean, string][] = [
    ['correct horse battery staple', true, 'long passphrase'],
    ['tr0ub4dor&3', true, '11 characters, uncommon'],
    ['Xq7#mv2p', true, '8 characters, uncommon'],
    ['Xq7#mv2', false, '7 characters'],
    ['password', false, 'on the deny list'],
    ['Password1!', false, 'listed word with digits and symbols around it'],
    ['liverpool', false, 'on the deny list'],
    ['12345678', false, 'on the deny list'],
    ['aaaaaaaaaa', false, 'one repeated character'],
    ['abcdefghi', false, 'a sequence'],
    ['987654321', false, 'a descending sequence'],
    ['password1234', true, '12 characters: long enough whatever it is'],
    ['aaaaaaaaaaaa', true, '12 characters: long enough whatever it is'],
    ['a'.repeat(256), true, 'the longest allowed'],
    ['a'.repeat(257), false, 'over 256'],
    ['ééééééé', false, '7 code points'],
    ['🙂🙂🙂🙂🙂🙂🙂🙂', true, '8 code points, uncommon'],
    ['ABCDEFGH', false, 'a sequence in capitals'],
    ['Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!', true, '64 characters'],
  ]
  for (const [password, ok, why] of cases) {
    it(`${ok ? 'accepts' : 'refuses'} ${JSON.stringify(password.slice(0, 20))} (${why})`, () => {
      assert.equal(judgeNewPassword(password).ok, ok)
    })
  }

  it("refuses a short password made of the person's own e-mail or name", () => {
    assert.equal(judgeNewPassword('hollis2026', ['hollis', 'Ivy Hollis']).ok, false)
    assert.equal(judgeNewPassword('hollis2026', []).ok, true)
    assert.equal(judgeNewPassword('hollis2026 and more words', ['hollis']).ok, true)
  })

  it('imposes no composition rules', () => {
    assert.equal(judgeNewPassword('all lower case words here').ok, true)
    assert.equal(judgeNewPassword('zqxwvjkp').ok, true)
  })

  it('says why it refuses, naming the rule', () => {
    assert.deepEqual(judgeNewPassword('short'), {
      ok: false,
      reason: 'password must be at least 12 characters (or 8 if not a common one)',
    })
  })
})
