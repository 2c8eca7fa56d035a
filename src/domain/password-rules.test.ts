import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  BREACHED_PASSWORD_REASON,
  breachedListKey,
  CONTEXT_WORD_REASON,
  GUESSABLE_RUN_REASON,
  judgeNewPassword,
} from './password-rules.ts'

/** A stand-in for the breached list that src/app loads: keyed as the rule asks. */
const listed = new Set(
  [
    'password',
    'password1!',
    'liverpool',
    '12345678',
    '123456789012',
    'password1234',
    'iloveyou2024',
  ].map(breachedListKey),
)
const isBreached = (key: string): boolean => listed.has(key)
const judge = (password: string, context: readonly string[] = []) =>
  judgeNewPassword(password, context, isBreached)

describe('new passwords', () => {
  const cases: [asvs: string, password: string, verdict: string, why: string][] = [
    ['V6.2.5', 'correct horse battery staple', 'ok', 'long passphrase'],
    ['V6.2.5', 'lantern orchard pebble', 'ok', 'long passphrase'],
    ['V6.2.5', 'tr0ub4dor&3', 'ok', '11 characters, uncommon'],
    ['V6.2.5', 'Xq7#mv2p', 'ok', '8 characters, uncommon'],
    ['V6.2.1', 'Xq7#mv2', 'too short', '7 characters'],
    ['V6.2.12', 'password', BREACHED_PASSWORD_REASON, 'listed, 8 characters'],
    ['V6.2.12', 'Password1!', BREACHED_PASSWORD_REASON, 'listed, in another case'],
    ['V6.2.12', 'LIVERPOOL', BREACHED_PASSWORD_REASON, 'listed, in capitals'],
    ['V6.2.12', '12345678', BREACHED_PASSWORD_REASON, 'listed'],
    ['V6.2.12', '123456789012', BREACHED_PASSWORD_REASON, 'listed, 12 characters'],
    ['V6.2.12', 'password1234', BREACHED_PASSWORD_REASON, 'listed, 12 characters'],
    ['V6.2.12', 'PassWord1234', BREACHED_PASSWORD_REASON, 'listed, 12 characters, mixed case'],
    ['V6.2.12', 'iloveyou2024', BREACHED_PASSWORD_REASON, 'listed, 12 characters'],
    ['V6.2.4', 'aaaaaaaaaa', GUESSABLE_RUN_REASON, 'one repeated character'],
    ['V6.2.4', 'aaaaaaaaaaaaaaaa', GUESSABLE_RUN_REASON, 'one repeated character, 16 long'],
    ['V6.2.4', 'abcdefghi', GUESSABLE_RUN_REASON, 'a sequence'],
    ['V6.2.4', 'abcdefghijklmnop', GUESSABLE_RUN_REASON, 'a sequence, 16 long'],
    ['V6.2.4', '987654321', GUESSABLE_RUN_REASON, 'a descending sequence'],
    ['V6.2.4', 'ABCDEFGH', GUESSABLE_RUN_REASON, 'a sequence in capitals'],
    ['V6.2.11', 'safeguarding', CONTEXT_WORD_REASON, "the service's own word, 12 characters"],
    ['V6.2.11', 'Safeguarding2025!', CONTEXT_WORD_REASON, 'a context word with digits and symbols'],
    ['V6.2.11', 'Contact Centre 1', CONTEXT_WORD_REASON, 'context words with spaces and a digit'],
    ['V6.2.11', 'havenhouse', CONTEXT_WORD_REASON, 'contains a context word, under 12'],
    ['V6.2.11', 'the haven by the sea', 'ok', 'contains a context word, 12 or more'],
    ['V6.2.9', 'a'.repeat(255) + 'b', 'ok', 'the longest allowed'],
    ['V6.2.9', 'a'.repeat(257), 'too long', 'over 256'],
    ['V6.2.1', 'ééééééé', 'too short', '7 code points'],
    ['V6.2.4', '🙂🙂🙂🙂🙂🙂🙂🙂', GUESSABLE_RUN_REASON, '8 code points, one repeated'],
    ['V6.2.5', '🙂🐢🙂🐢🙂🐢🙂🐢', 'ok', '8 code points, uncommon'],
    [
      'V6.2.5',
      'Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!Aa1!',
      'ok',
      '64 characters',
    ],
  ]
  for (const [asvs, password, verdict, why] of cases) {
    const expected = verdict === 'ok' ? 'accepts' : 'refuses'
    it(`${asvs} ${expected} ${JSON.stringify(password.slice(0, 20))} (${why})`, () => {
      const result = judge(password)
      if (verdict === 'ok') assert.deepEqual(result, { ok: true })
      else if (verdict === 'too short') assert.match(reasonOf(result), /at least 12 characters/)
      else if (verdict === 'too long') assert.match(reasonOf(result), /at most 256 characters/)
      else assert.equal(reasonOf(result), verdict)
    })
  }

  it('V6.2.12 asks the list with the password NFC-normalised and lower-cased, nothing removed', () => {
    const asked: string[] = []
    judgeNewPassword('  \uff30a\u0301ssword 1!', [], (key) => {
      asked.push(key)
      return false
    })
    assert.deepEqual(asked, ['  \uff50\u00e1ssword 1!'])
    assert.equal(breachedListKey('A\u0301BC'), '\u00e1bc')
  })

  it("V6.2.11 refuses a password made of the person's own e-mail or name, at every length", () => {
    const context = ['ivy.hollis', 'Ivy Hollis']
    assert.equal(reasonOf(judge('hollis2026', context)), CONTEXT_WORD_REASON)
    assert.equal(reasonOf(judge('Ivy Hollis 2026!', context)), CONTEXT_WORD_REASON)
    assert.equal(reasonOf(judge('ivy.hollis1234567', context)), CONTEXT_WORD_REASON)
    assert.equal(judge('hollis2026', []).ok, true)
    assert.equal(judge('hollis2026 and more words', ['hollis']).ok, true)
  })

  it('V6.2.5 imposes no composition rules', () => {
    assert.equal(judge('all lower case words here').ok, true)
    assert.equal(judge('zqxwvjkp').ok, true)
    assert.equal(judge('ZQXWVJKP').ok, true)
    assert.equal(judge('84712093').ok, true)
  })

  it('says why it refuses, naming the rule', () => {
    assert.deepEqual(judge('short'), {
      ok: false,
      reason: 'password must be at least 12 characters (or 8 if not a common one)',
    })
    assert.match(BREACHED_PASSWORD_REASON, /stolen from other websites; choose another$/)
  })
})

function reasonOf(verdict: { ok: true } | { ok: false; reason: string }): string {
  return verdict.ok ? '(accepted)' : verdict.reason
}
