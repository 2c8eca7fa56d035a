import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { adoptPresetAtMachine } from '../src/app/centre-policy.ts'
import { findCentreBySlugOrThrow } from '../src/app/centres.ts'
import { HavenError } from '../src/domain/errors.ts'
import { policyHash } from '../src/domain/policy/engine.ts'
import { preset } from '../src/domain/policy/presets.ts'
import { insertPolicyVersion } from '../src/storage/policies.ts'
import { centreWithCoordinator, testApp } from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { runHaven } from './support/processes.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/**
 * A stored policy that breaks a clause's invariant (a custom version published before the
 * invariant existed) fails closed: the centre's pages refuse everything rather than decide
 * under it. The operator's way back is `haven policy adopt`, which needs nothing of the stored
 * version but its number.
 */
for (const dialect of await dialectsUnderTest()) {
  describe(
    `a stored policy that breaks a clause, on ${dialect.name}`,
    { skip: dialect.skip },
    () => {
      it('fails closed, and the operator adopts a preset to bring the centre back', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx, { write: () => undefined })
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'rowan')
          assert.equal((await coordinator.client.call('GET', '/policy')).status, 200)
          const broken = preset('cordomus')
          broken.id = 'rowan'
          broken.version = 2
          // Volunteers may never reveal a parent's contact details (CONTACT).
          broken.parameters.contactDetails.revealRoles = ['coordinator', 'volunteer']
          await insertPolicyVersion(database.db, {
            centreId,
            version: 2,
            document: broken,
            hash: policyHash(broken),
            publishedAt: '2026-03-14T09:00:00.000Z',
            publishedBy: undefined,
          })
          const refused = await coordinator.client.call('GET', '/families')
          assert.equal(refused.status, 500)
          assert.doesNotMatch(await refused.text(), /revealRoles|volunteer/)
          const api = await coordinator.client.call('GET', '/api/sessions?date=2026-03-14')
          assert.equal(api.status, 500)
          await api.arrayBuffer()
          const centre = await findCentreBySlugOrThrow(ctx, 'rowan')
          // A host's operator (decision 0047) may bring back a broken policy, and only that.
          assert.deepEqual(
            await adoptPresetAtMachine(ctx, centre, 'chichester', { onlyWhenBroken: true }),
            { version: 3 },
          )
          await assert.rejects(
            adoptPresetAtMachine(ctx, centre, 'preston', { onlyWhenBroken: true }),
            (error: unknown) => error instanceof HavenError && error.code === 'forbidden',
          )
          const policy = await coordinator.client.call('GET', '/policy')
          assert.equal(policy.status, 200)
          assert.match(await policy.text(), /Version 3/)
          await assert.rejects(
            adoptPresetAtMachine(ctx, centre, 'nowhere'),
            /preset must be one of/,
          )
        }))
    },
  )
}

describe('haven policy adopt', () => {
  it('moves a centre to a preset as its next version, and refuses a name that is no preset', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-adopt-'))
    dirs.push(dir)
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' }
    assert.equal((await runHaven(['demo', 'create'], env)).code, 0)
    const adopted = await runHaven(['policy', 'adopt', '--centre', 'demo', 'preston'], env)
    assert.equal(adopted.code, 0, adopted.stderr)
    assert.match(adopted.stdout, /demo: version 2 in force, the preston preset/)
    const refused = await runHaven(['policy', 'adopt', '--centre', 'demo', 'atlantis'], env)
    assert.equal(refused.code, 2)
    assert.match(refused.stderr, /name one of the presets/)
  })
})
