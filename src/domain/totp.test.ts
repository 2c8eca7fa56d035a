import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { base32Encode, hotp, otpauthUri, totpIssuer, totpStep, verifyTotp } from './totp.ts'

const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii')

describe('HOTP and TOTP', () => {
  it('matches the RFC 4226 test values', () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ]
    expected.forEach((code, counter) => {
      assert.equal(hotp(RFC_SECRET, counter), code)
    })
  })

  // RFC 6238 appendix B, SHA-1, last six of the eight digits.
  const rfc6238: [number, string][] = [
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ]
  for (const [seconds, code] of rfc6238) {
    it(`gives ${code} at ${seconds} s, and accepts it once`, () => {
      const now = seconds * 1000
      const first = verifyTotp(RFC_SECRET, code, now, undefined)
      assert.deepEqual(first, { ok: true, step: totpStep(now) })
      assert.deepEqual(verifyTotp(RFC_SECRET, code, now, totpStep(now)), {
        ok: false,
        reason: 'reused',
      })
    })
  }

  it('allows one step of clock drift either way, and no more', () => {
    const now = 1_700_000_000_000
    const step = totpStep(now)
    for (const [delta, ok] of [
      [-2, false],
      [-1, true],
      [0, true],
      [1, true],
      [2, false],
    ] as const) {
      const code = hotp(RFC_SECRET, step + delta)
      assert.equal(verifyTotp(RFC_SECRET, code, now, undefined).ok, ok, `drift ${delta}`)
    }
  })

  it('refuses a code from a step before or at the last one used', () => {
    const now = 1_700_000_000_000
    const step = totpStep(now)
    const previous = hotp(RFC_SECRET, step - 1)
    assert.deepEqual(verifyTotp(RFC_SECRET, previous, now, step - 1), {
      ok: false,
      reason: 'reused',
    })
    assert.deepEqual(verifyTotp(RFC_SECRET, hotp(RFC_SECRET, step), now, step - 1), {
      ok: true,
      step,
    })
  })

  it('tells malformed from wrong, and ignores spaces', () => {
    const now = 1_700_000_000_000
    for (const bad of ['', '12345', '1234567', 'abcdef', '12 34 5x']) {
      assert.deepEqual(verifyTotp(RFC_SECRET, bad, now, undefined), {
        ok: false,
        reason: 'malformed',
      })
    }
    const right = hotp(RFC_SECRET, totpStep(now))
    const wrong = right === '000000' ? '000001' : '000000'
    assert.deepEqual(verifyTotp(RFC_SECRET, wrong, now, undefined), { ok: false, reason: 'wrong' })
    assert.equal(
      verifyTotp(RFC_SECRET, `${right.slice(0, 3)} ${right.slice(3)}`, now, undefined).ok,
      true,
    )
  })

  it('encodes base32 as RFC 4648 and builds an otpauth URI', () => {
    assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI')
    assert.equal(base32Encode(Buffer.from('f')), 'MY')
    assert.equal(base32Encode(RFC_SECRET), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')
    const uri = otpauthUri(RFC_SECRET, 'Haven', 'coordinator@example.org')
    assert.match(
      uri,
      /^otpauth:\/\/totp\/Haven%3Acoordinator%40example\.org\?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Haven/,
    )
    assert.match(uri, /digits=6&period=30/)
    const named = otpauthUri(RFC_SECRET, 'Haven (haven.example.org)', 'a+b@example.org')
    assert.ok(
      named.startsWith('otpauth://totp/Haven%20(haven.example.org)%3Aa%2Bb%40example.org?'),
      named,
    )
    assert.match(named, /&issuer=Haven%20\(haven\.example\.org\)&/, 'a space is %20, never +')
  })

  it('names the installation by its host in the issuer, never a port or a centre', () => {
    assert.equal(totpIssuer('https://haven.example.org'), 'Haven (haven.example.org)')
    assert.equal(totpIssuer('http://localhost:3000'), 'Haven (localhost)')
    assert.equal(totpIssuer('not a url'), 'Haven')
    assert.ok(!totpIssuer('http://[::1]:3000').includes(':'), 'no colon: it separates the label')
  })
})
