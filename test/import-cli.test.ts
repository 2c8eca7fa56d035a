import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { runHaven } from './support/processes.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('moving a centre in from the haven command', () => {
  it('writes the templates, checks the files without writing, then imports them once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-import-'))
    dirs.push(dir)
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' }
    const templates = path.join(dir, 'templates')
    const written = await runHaven(['import', 'template', '--out', templates], env)
    assert.equal(written.code, 0, written.stderr)
    assert.deepEqual(readdirSync(templates).sort(), [
      'agencies.csv',
      'families.csv',
      'haven-import-template.xlsx',
      'people.csv',
      'sessions.csv',
    ])
    const demo = await runHaven(['demo', 'create'], env)
    assert.equal(demo.code, 0, demo.stderr)
    const families = path.join(dir, 'families.csv')
    const people = path.join(dir, 'people.csv')
    writeFileSync(families, 'Family,Keep parents apart\r\nLarch,yes\r\n')
    writeFileSync(
      people,
      'Family,Role,First name,Last name,Date of birth,Parental responsibility\r\nLarch,resident parent,Ceri,Rowe,,yes\r\nLarch,child,Alys,Rowe,2031-01-01,\r\n',
    )
    const wrong = await runHaven(['import', '--centre', 'demo', families, people], env)
    assert.equal(wrong.code, 1, wrong.stderr)
    assert.match(wrong.stdout, /^People, row 3, Date of birth: a date of birth is today or before/m)
    assert.match(wrong.stdout, /1 problems found: nothing was written/)

    writeFileSync(people, readFileSync(people, 'utf8').replace('2031-01-01', '02/03/2020'))
    const dry = await runHaven(['import', '--centre', 'demo', '--dry-run', families, people], env)
    assert.equal(dry.code, 0, dry.stdout + dry.stderr)
    assert.match(dry.stdout, /^F-\d{4} {2}Larch$/m)
    assert.match(
      dry.stdout,
      /ready to import 1 families, 2 people, 0 sessions and 0 new agencies; nothing was written/,
    )
    const done = await runHaven(['import', '--centre', 'demo', '--json', families, people], env)
    assert.equal(done.code, 0, done.stderr)
    const report = JSON.parse(done.stdout) as {
      isImported: boolean
      references: { reference: string }[]
    }
    assert.equal(report.isImported, true)
    const list = await runHaven(['referrals', 'list', '--centre', 'demo', '--json'], env)
    const references = (JSON.parse(list.stdout) as { reference: string }[]).map((r) => r.reference)
    assert.ok(references.includes(report.references[0]?.reference ?? ''), 'the family is held')
    assert.ok(!done.stderr.includes('Rowe') && !done.stdout.includes('Rowe'), 'no names printed')
  })
})
