import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { createScratchDatabase, dialectsUnderTest } from './support/databases.ts'
import { runHaven } from './support/processes.ts'

/**
 * `haven centre export` and `haven centre verify-export` as an operator runs them, on both
 * engines: the export of one centre of two, checked on its own, with the installation's
 * public key or another; a changed file refused; the export refused to an operator whose
 * scope is the installation, the check not.
 */
for (const dialect of await dialectsUnderTest()) {
  describe(
    `haven centre export and verify-export (${dialect.name})`,
    { skip: dialect.skip },
    () => {
      it('writes one centre, which checks on its own; refuses what does not hold', async () => {
        const scratch = await createScratchDatabase(dialect.name)
        try {
          const env: Record<string, string> = {
            HAVEN_DATA_DIR: scratch.dataDir,
            HAVEN_DEMO: 'false',
            ...(scratch.url === undefined ? {} : { DATABASE_URL: scratch.url }),
          }
          const made = await runHaven(['demo', 'create', '--families', '3'], env)
          assert.equal(made.code, 0, made.stderr)
          const other = await runHaven(
            ['demo', 'create', '--slug', 'other', '--families', '2'],
            env,
          )
          assert.equal(other.code, 0, other.stderr)
          const listed = await runHaven(['centre', 'list', '--json'], env)
          const centres = JSON.parse(listed.stdout) as { id: string; slug: string }[]
          const otherId = centres.find((c) => c.slug === 'other')?.id ?? ''

          const file = path.join(scratch.dataDir, 'demo-export.jsonl')
          const exported = await runHaven(
            ['centre', 'export', '--centre', 'demo', '--out', file],
            env,
          )
          assert.equal(exported.code, 0, exported.stderr)
          assert.match(exported.stdout, /^Exported demo to .*: \d+ rows of 35 tables/)
          assert.equal(statSync(file).mode & 0o777, 0o600, 'private to its user')
          const text = readFileSync(file, 'utf8')
          assert.ok(!text.includes(otherId), "nothing of the other centre's")
          assert.ok(text.includes('"address":'), 'contact details opened')

          const again = await runHaven(['centre', 'export', '--centre', 'demo', '--out', file], env)
          assert.equal(again.code, 2)
          assert.match(again.stderr, /exists already/)

          const checked = await runHaven(['centre', 'verify-export', file], {})
          assert.equal(checked.code, 0, checked.stderr)
          assert.match(checked.stdout, /^The export of demo .* holds: \d+ rows, \d+ audit entries/)

          const handed = await runHaven(['audit', 'export-checkpoints'], env)
          const keyFile = path.join(scratch.dataDir, 'audit-public.pem')
          writeFileSync(keyFile, (JSON.parse(handed.stdout) as { publicKey: string }).publicKey)
          const withKey = await runHaven(
            ['centre', 'verify-export', file, '--public-key', keyFile],
            {},
          )
          assert.equal(withKey.code, 0, withKey.stderr)
          assert.match(withKey.stdout, /signed by the key given/)
          const strangerFile = path.join(scratch.dataDir, 'stranger.pem')
          writeFileSync(
            strangerFile,
            generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }),
          )
          const stranger = await runHaven(
            ['centre', 'verify-export', file, '--public-key', strangerFile],
            {},
          )
          assert.equal(stranger.code, 1)
          assert.match(stranger.stderr, /^haven: the export does not hold: .*not signed/)

          const changed = path.join(scratch.dataDir, 'changed.jsonl')
          const edited = text.replace(
            /(\{"entry":\{"seq":1,.*?"type":")[a-z_.]+/,
            '$1centre.closed',
          )
          assert.notEqual(edited, text)
          writeFileSync(changed, edited)
          const tampered = await runHaven(['centre', 'verify-export', changed], {})
          assert.equal(tampered.code, 1)
          assert.match(tampered.stderr, /audit entry 1 was changed/)

          const host = { ...env, HAVEN_OPERATOR_SCOPE: 'installation' }
          const refused = await runHaven(
            ['centre', 'export', '--centre', 'demo', '--out', `${file}.2`],
            host,
          )
          assert.equal(refused.code, 1)
          assert.match(refused.stderr, /reads and writes out a centre's families/)
          const hostChecks = await runHaven(['centre', 'verify-export', file], host)
          assert.equal(hostChecks.code, 0, hostChecks.stderr)
        } finally {
          await scratch.drop()
        }
      })
    },
  )
}
