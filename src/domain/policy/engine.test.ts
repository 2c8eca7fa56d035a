import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compilePolicy, decide } from './engine.ts'
import { PRESET_NAMES, preset, type PresetName } from './presets.ts'
import { policyRequest } from './request.ts'
import { SCENARIOS, type Expect } from '../../../test/policy/scenarios.ts'

function expected(expect: Expect, name: PresetName): string {
  if (typeof expect === 'string') return expect
  const value = expect[name] ?? expect.else
  if (value === undefined) throw new Error(`no expectation for ${name}`)
  return value
}

const COMPILED = Object.fromEntries(
  PRESET_NAMES.map((name) => [name, compilePolicy(preset(name))]),
) as Record<PresetName, ReturnType<typeof compilePolicy>>

describe('the policy engine, clause by clause, under every preset', () => {
  for (const [what, input, expect] of SCENARIOS) {
    for (const name of PRESET_NAMES) {
      const want = expected(expect, name)
      it(`${name}: ${what} → ${want}`, (t) => {
        const decision = decide(COMPILED[name], policyRequest.parse(input))
        const [effect, clauses] = want.split(':')
        assert.equal(decision.effect, effect, JSON.stringify(decision))
        assert.deepEqual(
          [...decision.clauses].sort(),
          (clauses ?? '').split(',').sort(),
          JSON.stringify(decision),
        )
        assert.equal(decision.policy.id, name)
        if (decision.effect === 'deny') {
          assert.ok(decision.reasons.length > 0)
          for (const reason of decision.reasons) assert.ok(reason.length > 15, reason)
        }
        // The whole decision (reasons, obligations, redactions, retention verdict) against the
        // reviewed snapshot in engine.test.ts.snapshot; the hash is left out so that a preset's
        // edit shows as the decisions it changes. Regenerate with --test-update-snapshots.
        const { policy, ...rest } = decision
        t.assert.snapshot({ ...rest, policy: { id: policy.id, version: policy.version } })
      })
    }
  }
})
