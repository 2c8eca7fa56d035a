import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  type SessionTimes,
  isPlausibleEmail,
  guessLimits,
  linkGuessLimits,
  resetRequestLimits,
  sourceKey,
  throttledMessage,
  normaliseEmail,
  sessionEndsAt,
  sessionStatus,
  SESSION_ABSOLUTE_MS,
  SESSION_IDLE_MS,
} from './auth-rules.ts'
import { requiresSecondFactor, ROLES, SECOND_FACTOR_ROLES } from './roles.ts'

const MIN = 60_000

describe('session limits', () => {
  const start = Date.UTC(2026, 10, 21, 9, 0)
  const base = {
    createdAt: start,
    lastSeenAt: start,
    endedAt: undefined,
    isSecondFactorPending: false,
  }

  const cases: [string, Partial<SessionTimes>, number, string | true][] = [
    ['fresh', {}, start + MIN, true],
    ['idle 14 minutes 59 seconds', {}, start + 15 * MIN - 1000, true],
    ['idle 15 minutes', {}, start + 15 * MIN, 'idle'],
    [
      'active for 11 hours 59 minutes',
      { lastSeenAt: start + 11 * 60 * MIN + 50 * MIN },
      start + 11 * 60 * MIN + 59 * MIN,
      true,
    ],
    [
      '12 hours old, though active',
      { lastSeenAt: start + 12 * 60 * MIN - MIN },
      start + 12 * 60 * MIN,
      'expired',
    ],
    ['ended', { endedAt: start + MIN }, start + 2 * MIN, 'signed_out'],
    [
      'waiting 4 minutes for a second factor',
      { isSecondFactorPending: true },
      start + 4 * MIN,
      true,
    ],
    [
      'waiting 5 minutes for a second factor',
      { isSecondFactorPending: true, lastSeenAt: start + 4 * MIN },
      start + 5 * MIN,
      'second_factor_timeout',
    ],
  ]
  for (const [what, change, now, expected] of cases) {
    it(`${what}: ${expected === true ? 'active' : expected}`, () => {
      const status = sessionStatus({ ...base, ...change }, now)
      if (expected === true) assert.deepEqual(status, { active: true })
      else assert.deepEqual(status, { active: false, reason: expected })
    })
  }

  it('ends at the idle limit, or the absolute limit when that comes first', () => {
    assert.equal(sessionEndsAt(base), start + SESSION_IDLE_MS)
    assert.equal(
      sessionEndsAt({ ...base, lastSeenAt: start + SESSION_ABSOLUTE_MS - MIN }),
      start + SESSION_ABSOLUTE_MS,
    )
  })
})

describe('limits on guessing (ASVS V6.3.1)', () => {
  it('charges a guess from an unknown browser to the account (10) and the source (50), in 5 minutes', () => {
    assert.deepEqual(guessLimits({ account: 'a@x.org', source: '192.0.2.1', device: undefined }), [
      { key: { kind: 'account', value: 'a@x.org' }, limit: 10, windowMs: 5 * MIN },
      { key: { kind: 'source', value: '192.0.2.1' }, limit: 50, windowMs: 5 * MIN },
    ])
  })
  it("charges a guess from the account's own device to that device alone (10 in 5 minutes)", () => {
    assert.deepEqual(guessLimits({ account: 'a@x.org', source: '192.0.2.1', device: 'n1' }), [
      { key: { kind: 'device', value: 'n1' }, limit: 10, windowMs: 5 * MIN },
    ])
  })
  it('charges a code from an unknown browser also to the account’s 50 codes a day', () => {
    assert.deepEqual(
      guessLimits({ account: 'a@x.org', source: '192.0.2.1', device: undefined, isCode: true }).map(
        (l) => [l.key.kind, l.limit, l.windowMs],
      ),
      [
        ['account', 10, 5 * MIN],
        ['source', 50, 5 * MIN],
        ['codes', 50, 24 * 60 * MIN],
      ],
    )
  })
  const sources: [string, string][] = [
    ['192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0:0:0:78', '2001:db8:1:2::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::', 'fe80:0:0:0::/64'],
    ['not-an-address', 'not-an-address'],
    ['1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8:9'],
  ]
  for (const [address, key] of sources)
    it(`counts source ${address} as ${key} (an IPv6 /64 is one source)`, () => {
      assert.equal(sourceKey(address), key)
    })
  it('charges a one-time link that matches nothing to its source', () => {
    assert.deepEqual(linkGuessLimits('192.0.2.9'), [
      { key: { kind: 'source', value: '192.0.2.9' }, limit: 50, windowMs: 5 * MIN },
    ])
  })
  it('limits reset requests per address (3) and per source (10) in 15 minutes', () => {
    assert.deepEqual(resetRequestLimits({ email: 'a@x.org', source: '192.0.2.1' }), [
      { key: { kind: 'reset-email', value: 'a@x.org' }, limit: 3, windowMs: 15 * MIN },
      { key: { kind: 'reset-source', value: '192.0.2.1' }, limit: 10, windowMs: 15 * MIN },
    ])
  })
  it('says which limit was reached, never whether the account exists', () => {
    for (const kind of [
      'account',
      'source',
      'device',
      'codes',
      'reset-email',
      'reset-source',
    ] as const) {
      assert.match(throttledMessage(kind), /minutes|tomorrow/)
      assert.doesNotMatch(throttledMessage(kind), /exist|unknown|not found/i)
    }
  })
})

describe('e-mail addresses', () => {
  it('compare without case or surrounding space', () => {
    assert.equal(normaliseEmail('  Coordinator@Example.ORG '), 'coordinator@example.org')
  })
  it('are plausible or not', () => {
    for (const good of ['a@b.co', 'first.last+tag@centre.org.uk'])
      assert.ok(isPlausibleEmail(good), good)
    for (const bad of ['', 'a', 'a@b', '@b.co', 'a b@c.co', `${'x'.repeat(250)}@b.co`])
      assert.ok(!isPlausibleEmail(bad), bad)
  })
})

describe('second factor by role (SECURE)', () => {
  const PRESET_ROLES = ['coordinator', 'chair', 'management', 'staff']
  for (const role of ROLES) {
    const required = SECOND_FACTOR_ROLES.includes(role)
    it(`${role}: ${required ? 'required' : 'optional'}; required when the centre asks it of all`, () => {
      assert.equal(requiresSecondFactor([role], PRESET_ROLES, false), required)
      assert.equal(requiresSecondFactor([role], PRESET_ROLES, true), true)
    })
    it(`${role}: required when the centre's policy names the role`, () => {
      assert.equal(requiresSecondFactor([role], [...PRESET_ROLES, role], false), true)
    })
  }
  it('never below the roles that see protected data, whatever a policy names', () => {
    for (const role of SECOND_FACTOR_ROLES)
      assert.equal(requiresSecondFactor([role], [], false), true, role)
  })
  it('holds when any one of several roles needs it', () => {
    assert.equal(requiresSecondFactor(['volunteer', 'staff'], PRESET_ROLES, false), true)
    assert.equal(requiresSecondFactor(['volunteer', 'parent'], PRESET_ROLES, false), false)
    assert.equal(requiresSecondFactor(['volunteer', 'parent'], ['volunteer'], false), true)
    assert.equal(requiresSecondFactor([], PRESET_ROLES, true), false)
  })
})
