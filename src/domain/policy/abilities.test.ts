import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ROLES } from '../roles.ts'
import { ABILITIES, ABILITY_DEFINITIONS, rolesFor, roleActingFor } from './abilities.ts'
import { abilitiesOf, compilePolicy, decide, decideAbility } from './engine.ts'
import { PRESET_NAMES, preset } from './presets.ts'

/**
 * Who may do what, for every role at every preset, against a reviewed snapshot: the
 * permissions abilitiesOf grants (with their clauses), and for every ability refused, the
 * reason the refusal gives. A change to who holds an ability, or to how a refusal reads, shows
 * here as the decisions it changes. Regenerate with --test-update-snapshots and read the diff.
 */
describe('who may do what (abilities), role by role, under every preset', () => {
  for (const name of PRESET_NAMES) {
    const policy = compilePolicy(preset(name))
    for (const role of ROLES) {
      it(`${name}: ${role}`, (t) => {
        const actor = { roles: [role], relationship: 'none' as const, hasSecondFactor: true }
        const granted = abilitiesOf(policy, actor)
        const refused = ABILITIES.filter((a) => !granted.has(a)).map((ability) => {
          const decision = decideAbility(policy, actor, ability)
          if (decision.effect !== 'deny')
            throw new Error(`${ability} is neither granted nor refused`)
          return { ability, clauses: decision.clauses, reasons: decision.reasons }
        })
        t.assert.snapshot({ granted: Object.fromEntries(granted), refused })
      })
    }
  }

  it('an actor with no role holds nothing but reading the policy', () => {
    const policy = compilePolicy(preset('cordomus'))
    const none = abilitiesOf(policy, { roles: [], relationship: 'none', hasSecondFactor: true })
    assert.deepEqual([...none.keys()], [])
    assert.equal(
      decide(policy, {
        action: 'read',
        actor: { roles: [], relationship: 'none', hasSecondFactor: true },
        resource: { type: 'policy' },
      }).effect,
      'permit',
    )
  })

  it('each ability is granted to exactly the roles rolesFor names, under every preset', () => {
    for (const name of PRESET_NAMES) {
      const policy = compilePolicy(preset(name))
      for (const ability of ABILITIES) {
        const holders = ROLES.filter((role) =>
          abilitiesOf(policy, { roles: [role], relationship: 'none', hasSecondFactor: true }).has(
            ability,
          ),
        )
        assert.deepEqual(
          holders,
          ROLES.filter((r) => rolesFor(ability, policy.parameters).includes(r)),
          `${name} ${ability}`,
        )
        assert.equal(ABILITY_DEFINITIONS[ability].says.length > 20, true, ability)
      }
    }
  })

  it('names the role a person acts under, the first of theirs the policy names', () => {
    const { parameters } = preset('birmingham')
    assert.equal(
      roleActingFor('approve_disposals', parameters, ['staff', 'management']),
      'management',
    )
    assert.equal(
      roleActingFor('approve_disposals', parameters, ['management', 'coordinator']),
      'management',
    )
    assert.equal(roleActingFor('approve_disposals', parameters, ['chair', 'staff']), undefined)
  })

  it('holds an ability through any one of several roles', () => {
    const policy = compilePolicy(preset('cordomus'))
    const both = abilitiesOf(policy, {
      roles: ['volunteer', 'chair'],
      relationship: 'none',
      hasSecondFactor: true,
    })
    assert.ok(both.has('work_sessions'))
    assert.ok(both.has('read_register'))
    assert.ok(!both.has('book_sessions'))
  })
})
