import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { sql } from 'kysely'
import { operatorActor, type Actor } from '../src/app/actor.ts'
import { prepareCentreExport } from '../src/app/centre-export.ts'
import { verifyCentreExport } from '../src/app/centre-export-verify.ts'
import { EXPORT_TABLES, SECRET_LOOKING } from '../src/app/centre-export-tables.ts'
import type { AppContext } from '../src/app/context.ts'
import { recordCheck } from '../src/app/workers.ts'
import { listSchemaTables } from '../src/storage/backup-tables.ts'
import { listTableColumns } from '../src/storage/centre-export-rows.ts'
import type { Db } from '../src/storage/database.ts'
import { centreWithCoordinator, invite, testApp, type Person } from './support/accounts.ts'
import { referral } from './support/cases.ts'
import { getPage, postForm } from './support/pages.ts'
import { dialectsUnderTest, testContext, withMigratedDatabase } from './support/databases.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** Synthetic markers: each centre's families carry their own, found by a plain search. */
const A_MARK = 'Quillbeck'
const B_MARK = 'Zennorvale'

interface TwoCentres {
  ctx: AppContext
  a: { centreId: string; coordinator: Person; staff: Person }
  b: { centreId: string; coordinator: Person }
}

async function referFamily(person: Person, mark: string): Promise<void> {
  const body = referral({
    parents: [
      {
        kind: 'resident_parent',
        givenName: `Morwenna${mark}`,
        familyName: 'Trelawny',
        relationship: 'mother',
        hasParentalResponsibility: true,
        contactDetails: { address: `14 ${mark} Lane, Q1 7ZZ`, phone: '07700 900461' },
      },
    ],
  })
  const made = await person.client.json('POST', '/api/referrals', body)
  assert.equal(made.status, 201, JSON.stringify(made.body))
}

async function twoCentres(ctx: AppContext, app = testApp(ctx)): Promise<TwoCentres> {
  const a = await centreWithCoordinator(ctx, app, 'alder')
  const staff = await invite(ctx, app, a.centreId, 'alder', 'staff@alder.example.org', ['staff'])
  await referFamily(a.coordinator, A_MARK)
  await recordCheck(ctx, operatorActor(a.centreId), {
    accountId: staff.accountId,
    kind: 'dbs',
    level: 'enhanced',
    certificateReference: `CERT-${A_MARK}-001`,
    issuedOn: '2026-01-05',
    renewalDueOn: '2029-01-05',
    outcome: 'clear',
  })
  const b = await centreWithCoordinator(ctx, app, 'birch')
  await referFamily(b.coordinator, B_MARK)
  return { ctx, a: { ...a, staff }, b }
}

async function exportTo(ctx: AppContext, actor: Actor): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-export-'))
  dirs.push(dir)
  const file = path.join(dir, 'export.jsonl')
  const parts: string[] = []
  const prepared = await prepareCentreExport(ctx, actor)
  await prepared.writeTo((text) => {
    parts.push(text)
    return Promise.resolve()
  })
  writeFileSync(file, parts.join(''))
  return file
}

function lines(file: string): Record<string, unknown>[] {
  return readFileSync(file, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>)
}

function rewrite(file: string, change: (all: string[]) => string[]): string {
  const changed = `${file}.changed`
  const all = readFileSync(file, 'utf8').trimEnd().split('\n')
  writeFileSync(changed, `${change(all).join('\n')}\n`)
  return changed
}

async function secretsOf(db: Db, centreId: string): Promise<string[]> {
  const { rows: accounts } = await sql<{
    password_hash: string
    totp_secret_ciphertext: string | null
  }>`select password_hash, totp_secret_ciphertext from accounts where id in
      (select account_id from account_roles where centre_id = ${centreId})`.execute(db)
  const { rows: tokens } = await sql<{ token_hash: string }>`
    select token_hash from invitations where centre_id = ${centreId}
    union all select token_hash from auth_sessions where centre_id = ${centreId}`.execute(db)
  const { rows: families } = await sql<{
    wrapped_key: string
  }>`select wrapped_key from families where centre_id = ${centreId}`.execute(db)
  return [
    ...accounts.flatMap((r) => [r.password_hash, r.totp_secret_ciphertext ?? '']),
    ...tokens.map((r) => r.token_hash),
    ...families.map((r) => r.wrapped_key),
  ].filter((s) => s !== '')
}

for (const dialect of await dialectsUnderTest()) {
  describe(`a centre's export (${dialect.name})`, { skip: dialect.skip }, () => {
    it("holds the centre's own rows, opened, and nothing of another centre or any secret", async () => {
      await withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { a, b } = await twoCentres(ctx)
        const file = await exportTo(ctx, operatorActor(a.centreId))
        const text = readFileSync(file, 'utf8')
        // Protected fields leave opened: the address and the check's certificate reference.
        assert.ok(text.includes(`14 ${A_MARK} Lane, Q1 7ZZ`), 'the address in clear')
        assert.ok(text.includes(`CERT-${A_MARK}-001`), 'the certificate reference in clear')
        assert.ok(!text.includes(B_MARK), "nothing of the other centre's families")
        assert.ok(!text.includes(b.centreId), 'nor its id')
        assert.ok(!text.includes('$argon2'), 'no password hash')
        for (const secret of await secretsOf(database.db, a.centreId))
          assert.ok(!text.includes(secret), 'no secret of the centre')
        const all = lines(file)
        const header = all[0]?.header as { tables: Record<string, number>; leftOut: object }
        assert.equal(header.tables.families, 1)
        assert.equal(header.tables.people, 2, 'the parent and the child')
        assert.ok('auth_sessions' in header.leftOut)
        const people = all.filter((l) => l.table === 'people').map((l) => l.row as object)
        assert.ok(people.some((p) => 'address' in p && !('address_ciphertext' in p)))
        const verified = await verifyCentreExport(file)
        assert.equal(verified.problem, undefined)
        assert.equal(verified.centre?.slug, 'alder')
      })
    })

    it('is recorded in the centre’s chain, which it carries with a checkpoint on its end', async () => {
      await withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { a } = await twoCentres(ctx)
        const file = await exportTo(ctx, operatorActor(a.centreId))
        const { rows } = await sql<{ details: string; actor_id: string }>`
          select details, actor_id from audit_log
          where chain = ${a.centreId} and type = 'centre.exported'`.execute(database.db)
        assert.equal(rows.length, 1)
        const details = JSON.parse(rows[0]?.details ?? '{}') as Record<string, unknown>
        assert.deepEqual(Object.keys(details).sort(), ['clauses', 'rows', 'tables'])
        assert.deepEqual(details.clauses, ['NDX'])
        const all = lines(file)
        const entries = all.filter((l) => l.entry).map((l) => l.entry as { type: string })
        assert.equal(entries.at(-1)?.type, 'centre.exported', 'the export carries its own record')
        assert.equal(entries.at(0)?.type, 'centre.created', 'from the chain’s first entry')
        const checkpoints = all.filter((l) => l.checkpoint)
        assert.ok(checkpoints.length >= 1)
      })
    })

    it('is refused, and the refusal recorded, to someone the policy does not name', async () => {
      await withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { a } = await twoCentres(ctx)
        const staff: Actor = {
          ...operatorActor(a.centreId),
          accountId: a.staff.accountId,
          roles: ['staff'],
        }
        await assert.rejects(prepareCentreExport(ctx, staff), (error: unknown) => {
          assert.equal((error as { code?: string }).code, 'forbidden')
          return true
        })
        const noFactor: Actor = { ...operatorActor(a.centreId), hasSecondFactor: false }
        await assert.rejects(prepareCentreExport(ctx, noFactor), /second factor/)
        const { rows } = await sql<{ details: string }>`select details from audit_log
          where chain = ${a.centreId} and type = 'centre.export_refused' order by seq`.execute(
          database.db,
        )
        assert.deepEqual(
          rows.map((r) => (JSON.parse(r.details) as { clauses: string[] }).clauses),
          [['NDX'], ['SECURE']],
        )
      })
    })

    it('fails its check when anything in it was changed', async () => {
      await withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { a } = await twoCentres(ctx)
        const file = await exportTo(ctx, operatorActor(a.centreId))
        const problemOf = async (changed: string) => (await verifyCentreExport(changed)).problem
        const isEntry = (l: string) => l.startsWith('{"entry"')
        const editedEntry = rewrite(file, (all) =>
          all.map((l) =>
            isEntry(l) && l.includes('"seq":2,') ? l.replace('"at":"20', '"at":"19') : l,
          ),
        )
        assert.match((await problemOf(editedEntry)) ?? '', /audit entry 2 was changed/)
        const removedRow = rewrite(file, (all) => {
          const i = all.findIndex((l) => l.startsWith('{"table":"people"'))
          return all.filter((_, j) => j !== i)
        })
        assert.match((await problemOf(removedRow)) ?? '', /table "people"/)
        // The counts mended too: the digest and its signature still catch it.
        const mended = rewrite(removedRow, (all) =>
          all.map((l) => l.replace('"people":2', '"people":1')),
        )
        assert.match((await problemOf(mended)) ?? '', /digest/)
        const changedCheckpoint = rewrite(file, (all) =>
          all.map((l) =>
            l.startsWith('{"checkpoint"') ? l.replace(/"hash":"[0-9a-f]/, '"hash":"x') : l,
          ),
        )
        assert.match((await problemOf(changedCheckpoint)) ?? '', /not signed/)
        const cut = rewrite(file, (all) => all.slice(0, -1))
        assert.match((await problemOf(cut)) ?? '', /cut short/)
        const otherKey = generateKeyPairSync('ed25519').publicKey
        assert.match((await verifyCentreExport(file, otherKey)).problem ?? '', /not signed/)
        assert.equal(await problemOf(file), undefined, 'the export itself holds')
      })
    })

    it('downloads from its page and the API for the coordinator, and is refused to staff', async () => {
      await withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { a } = await twoCentres(ctx)
        const page = await getPage(a.coordinator.client, '/centre/export')
        assert.equal(page.status, 200)
        assert.match(page.text, /<h1 class="govuk-heading-l">Export the centre<\/h1>/)
        assert.match(page.text, /<form method="post" action="\/centre\/export"/)
        assert.ok(!page.text.includes('name="_once"'), 'the download is never kept to replay')
        const hub = await getPage(a.coordinator.client, '/centre')
        assert.ok(hub.text.includes('href="/centre/export"'), 'the centre page links to it')
        const form = await a.coordinator.client.call(
          'POST',
          '/centre/export',
          new URLSearchParams({ _csrf: a.coordinator.client.csrf ?? '' }).toString(),
          {
            'content-type': 'application/x-www-form-urlencoded',
            'sec-fetch-site': 'same-origin',
            'x-csrf-token': '',
          },
        )
        assert.equal(form.status, 200)
        assert.match(
          form.headers.get('content-disposition') ?? '',
          /^attachment; filename="haven-export-alder-\d{4}-\d{2}-\d{2}\.jsonl"$/,
        )
        assert.equal(form.headers.get('cache-control'), 'no-store')
        const dir = mkdtempSync(path.join(tmpdir(), 'haven-export-'))
        dirs.push(dir)
        const downloaded = path.join(dir, 'page.jsonl')
        writeFileSync(downloaded, Buffer.from(await form.arrayBuffer()))
        assert.equal((await verifyCentreExport(downloaded)).problem, undefined)
        assert.ok(readFileSync(downloaded, 'utf8').includes(`14 ${A_MARK} Lane`))

        const api = await a.coordinator.client.call('POST', '/api/centre/export')
        assert.equal(api.status, 200)
        assert.match(api.headers.get('content-type') ?? '', /^application\/x-ndjson/)
        writeFileSync(downloaded, Buffer.from(await api.arrayBuffer()))
        assert.equal((await verifyCentreExport(downloaded)).problem, undefined)

        const refused = await a.staff.client.call('POST', '/api/centre/export')
        assert.equal(refused.status, 403)
        const body = (await refused.json()) as { error: { clauses: string[] } }
        assert.deepEqual(body.error.clauses, ['NDX'])
        assert.equal((await getPage(a.staff.client, '/centre/export')).status, 403)
        const refusedForm = await postForm(a.staff.client, '/centre/export', {})
        assert.equal(refusedForm.status, 403)
        const { rows } = await sql<{ actor_id: string }>`select actor_id from audit_log
          where chain = ${a.centreId} and type = 'centre.export_refused'`.execute(database.db)
        assert.deepEqual(
          rows.map((r) => r.actor_id),
          [a.staff.accountId, a.staff.accountId],
        )
      })
    })

    it('names every table of the schema, and every column that looks like a secret', async () => {
      await withMigratedDatabase(dialect.name, async (database) => {
        const schema = await listSchemaTables(database.db, dialect.name)
        const named = EXPORT_TABLES.map((t) => t.table).sort()
        assert.deepEqual(
          schema.filter((t) => !named.includes(t)),
          [],
          'a table src/app/centre-export-tables.ts does not name: say how it is exported',
        )
        assert.deepEqual(
          named.filter((t) => !schema.includes(t)),
          [],
          'a table named there that the schema no longer has',
        )
        for (const t of EXPORT_TABLES) {
          if (t.how === 'audit' || t.how === 'left_out') continue
          for (const column of await listTableColumns(database.db, dialect.name, t.table)) {
            if (!SECRET_LOOKING.test(column)) continue
            const isHandled =
              t.omit?.[column] !== undefined ||
              t.open?.[column] !== undefined ||
              t.plain?.[column] !== undefined
            assert.ok(isHandled, `${t.table}.${column} looks like a secret: omit, open or plain`)
          }
        }
      })
    })
  })
}
