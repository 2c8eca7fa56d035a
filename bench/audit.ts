// The cost of the audit log (issue 5): writes per second with and without an audit entry in
// the same transaction, and reads of a protected field per second with decryption and audit,
// each beside the bare operation. On SQLite (a real file) and, when one answers, PostgreSQL.
// Run: npm run bench:audit (writes its table into docs/PERFORMANCE.md).
import { randomUUID } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { operatorActor } from '../src/app/actor.ts'
import { revealContactDetails } from '../src/app/contact-details.ts'
import { decryptField, unwrapFamilyKey } from '../src/app/field-crypto.ts'
import { receiveReferral } from '../src/app/referrals.ts'
import { createCentre } from '../src/app/centres.ts'
import { appendAuditEntry } from '../src/storage/audit-log.ts'
import type { Db, DialectName } from '../src/storage/database.ts'
import { findFamily, findPerson, listPeopleOfFamily } from '../src/storage/families.ts'
import { insertRooms } from '../src/storage/sessions.ts'
import { dialectsUnderTest, testContext, withMigratedDatabase } from '../test/support/databases.ts'

const SECONDS = Number(process.env.HAVEN_BENCH_SECONDS ?? '3')

async function rate(work: (i: number) => Promise<void>): Promise<number> {
  for (let i = 0; i < 50; i += 1) await work(i) // warm up
  const started = performance.now()
  let done = 0
  while (performance.now() - started < SECONDS * 1000) {
    await work(done)
    done += 1
  }
  return done / ((performance.now() - started) / 1000)
}

interface Row {
  dialect: DialectName
  what: string
  bare: number
  withAudit: number
}

async function measure(dialect: DialectName): Promise<Row[]> {
  return withMigratedDatabase(dialect, async (database) => {
    const ctx = testContext(database, new Date())
    const { centre } = await createCentre(ctx, {
      name: 'Bench Centre',
      slug: 'bench',
      coordinatorEmail: 'c@bench.example.org',
    })
    const actor = operatorActor(centre.id)
    const db = database.db
    const room = (i: number) => ({
      id: randomUUID(),
      centreId: centre.id,
      name: `Room ${String(i)}`,
    })
    const bareWrite = await rate(async (i) => {
      await db.transaction().execute(async (trx: Db) => {
        await insertRooms(trx, [room(i)])
      })
    })
    const auditedWrite = await rate(async (i) => {
      await db.transaction().execute(async (trx: Db) => {
        const made = room(i)
        await insertRooms(trx, [made])
        await appendAuditEntry(trx, {
          centreId: centre.id,
          at: new Date().toISOString(),
          type: 'room.added',
          actorId: actor.accountId,
          subjectId: made.id,
          details: {},
        })
      })
    })
    const made = await receiveReferral(ctx, actor, {
      parents: [
        {
          kind: 'resident_parent',
          givenName: 'Morwenna',
          familyName: 'Trelawny',
          hasParentalResponsibility: true,
          contactDetails: { address: '14 Quarry Lane, Q1 7ZZ', phone: '07700 900461' },
        },
      ],
      children: [{ givenName: 'Elowen', familyName: 'Trelawny', dateOfBirth: '2019-05-02' }],
      isSeparationRequired: false,
    })
    const person = (await listPeopleOfFamily(db, centre.id, made.familyId)).find(
      (p) => p.kind === 'resident_parent',
    )
    if (!person?.addressCiphertext) throw new Error('no person')
    const personId = person.id
    const bareRead = await rate(async () => {
      await findPerson(db, centre.id, personId)
    })
    const readDecryptAudit = await rate(async () => {
      await db.transaction().execute(async (trx: Db) => {
        const found = await findPerson(trx, centre.id, personId)
        const family = await findFamily(trx, centre.id, made.familyId)
        if (!found?.addressCiphertext || !family) throw new Error('gone')
        const key = unwrapFamilyKey(ctx.masterKey, family.id, family.wrappedKey)
        decryptField(
          key,
          { familyId: family.id, field: `person:${personId}:address`, keyVersion: 1 },
          found.addressCiphertext,
        )
        await appendAuditEntry(trx, {
          centreId: centre.id,
          at: new Date().toISOString(),
          type: 'contact.revealed',
          actorId: actor.accountId,
          subjectId: personId,
          details: { familyId: family.id },
        })
      })
    })
    const reveal = await rate(async () => {
      await revealContactDetails(ctx, actor, personId, 'benchmark')
    })
    return [
      {
        dialect,
        what: 'write a row (with an audit entry)',
        bare: bareWrite,
        withAudit: auditedWrite,
      },
      {
        dialect,
        what: 'read a protected field (decrypted, audited)',
        bare: bareRead,
        withAudit: readDecryptAudit,
      },
      {
        dialect,
        what: 'reveal use case (policy, reason, decrypt, audit)',
        bare: bareRead,
        withAudit: reveal,
      },
    ]
  })
}

const rows: Row[] = []
for (const dialect of await dialectsUnderTest()) {
  if (dialect.skip) continue
  rows.push(...(await measure(dialect.name)))
}
const fmt = (n: number) => Math.round(n).toLocaleString('en-GB')
const table = [
  '| engine | operation | bare per second | with audit per second | ratio |',
  '| --- | --- | ---: | ---: | ---: |',
  ...rows.map(
    (r) =>
      `| ${r.dialect} | ${r.what} | ${fmt(r.bare)} | ${fmt(r.withAudit)} | ${(r.withAudit / r.bare).toFixed(2)} |`,
  ),
].join('\n')
console.log(table)
const file = new URL('../docs/PERFORMANCE.md', import.meta.url)
const doc = readFileSync(file, 'utf8')
const block = `<!-- bench:audit -->\n${table}\n\nOne connection, one operation at a time, ${String(SECONDS)} s each after a warm-up; SQLite is a real file with synchronous=FULL (every commit is an fsync), PostgreSQL the local server. Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}.\n<!-- /bench:audit -->`
writeFileSync(
  file,
  doc.includes('<!-- bench:audit -->')
    ? doc.replace(/<!-- bench:audit -->[\s\S]*<!-- \/bench:audit -->/, block)
    : `${doc}\n## The cost of the audit log\n\nCommand: \`npm run bench:audit\`. "Bare" is the same operation without the audit entry (for reads: the plain row read, no decryption).\n\n${block}\n`,
)
