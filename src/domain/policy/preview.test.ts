import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { preset } from './presets.ts'
import { decisionsThatChange } from './preview.ts'

describe('the decisions a new version changes', () => {
  it('are none when nothing changes', () => {
    assert.deepEqual(decisionsThatChange(preset('preston'), preset('preston'), '2026-03-14'), [])
  })

  it('are the answers that differ, in words', () => {
    const after = preset('cordomus')
    after.parameters.contactDetails.revealRoles = ['coordinator', 'staff']
    after.parameters.retention.isAutomatic = true
    const changes = decisionsThatChange(preset('cordomus'), after, '2026-03-14')
    assert.deepEqual(
      changes.find((c) => c.what.startsWith('A member of staff reveals')),
      {
        what: "A member of staff reveals a parent's contact details, giving a reason",
        before: 'refused',
        after: 'allowed',
      },
    )
    assert.deepEqual(
      changes.find((c) => c.what === 'Family records unused for 4 years are destroyed'),
      {
        what: 'Family records unused for 4 years are destroyed',
        before: 'allowed, once the coordinator or the Chair of the Management Committee approves',
        after: 'allowed',
      },
    )
    assert.ok(changes.every((c) => c.before !== c.after))
  })
})
