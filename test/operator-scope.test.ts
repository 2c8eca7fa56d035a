import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import { operatorActor } from '../src/app/actor.ts'
import { findCentreBySlugOrThrow } from '../src/app/centres.ts'
import { acceptInvitation } from '../src/app/invitation-acceptance.ts'
import { inviteMember } from '../src/app/invitations.ts'
import { openHaven } from '../src/app/runtime.ts'
import { COMMANDS } from '../src/cli/run-commands.ts'
import { loadConfig } from '../src/config.ts'
import { PASSWORD, tokenFromLink } from './support/accounts.ts'
import { childEnv, HAVEN_BIN, runHaven, type Finished } from './support/processes.ts'

/**
 * The installation's operator never reads a family (issue 18, docs/decisions/0047): with
 * HAVEN_OPERATOR_SCOPE=installation, EVERY command of the haven command is run against a
 * centre whose synthetic families carry a marker, and the marker must not come out on
 * standard output, standard error or any file the command writes, and the log must hold no
 * read of a record by the operator. A command added without a row here fails the test: its
 * author has to say how it is run, or why it is not.
 */
const MARKER = 'Zyvqorth'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

interface Row {
  args: (out: string) => string[]
  /** Standard input, for the commands that read it. */
  input?: string
  /** Refused in installation scope (the command is marked centreScopeOnly). */
  refused?: true
  /** A separate data folder (restore needs an empty database). */
  freshData?: true
  /** Prints a link that opens an account, and why that is safe. */
  printsLink?: string
  /** The exit code expected, where it is not 0, and why. */
  exit?: { code: number; why: string }
}

/** How each command is run in the canary, by its words; `skip` says why one is not run. */
const TABLE: Record<string, Row | { skip: string }> = {
  serve: {
    skip: 'the server reads nothing until someone signs in: every page and route asks who is signed in (test/authorization-matrix.test.ts)',
  },
  migrate: { args: () => [] },
  'centre create': {
    args: () => ['--name', 'Brookfield', '--coordinator-email', 'c@brookfield.example.org'],
  },
  'centre list': { args: () => ['--json'] },
  'centre close': { args: () => ['--centre', 'brookfield', '--confirm', 'brookfield'] },
  'centre reopen': { args: () => ['--centre', 'brookfield'] },
  'centre export': {
    args: (out) => ['--centre', 'ashbury', '--out', path.join(out, 'ashbury.jsonl')],
    refused: true,
  },
  // The export made by the centre's own operator, before: checked, and nothing of it shown.
  'centre verify-export': { args: (out) => [path.join(out, '..', '..', 'ashbury-export.jsonl')] },
  'demo create': {
    args: () => ['--slug', 'practice', '--families', '3'],
    printsLink: "a demo centre's coordinator: its families are made up",
  },
  'centre invite': {
    args: () => [
      '--centre',
      'ashbury',
      '--email',
      'c2@ashbury.example.org',
      '--role',
      'coordinator',
    ],
    exit: { code: 1, why: "the coordinator's invitation is still open" },
  },
  'centre members': { args: () => ['--centre', 'ashbury', '--json'] },
  'centre disable': {
    args: () => ['--centre', 'ashbury', '--email', 'v@ashbury.example.org'],
  },
  'centre enable': {
    args: () => ['--centre', 'ashbury', '--email', 'v@ashbury.example.org'],
  },
  'centre end-person-sessions': {
    args: () => ['--centre', 'ashbury', '--email', 'v@ashbury.example.org'],
  },
  'centre end-sessions': { args: () => ['--centre', 'ashbury'] },
  'password-reset': { args: () => ['--email', 'c@ashbury.example.org'] },
  'second-factor reset': {
    args: () => ['--email', 'c@ashbury.example.org'],
    exit: { code: 2, why: 'no account has that address yet' },
  },
  'outbox deliver': { args: () => [], refused: true },
  'policy presets': { args: () => [] },
  'policy show': { args: () => ['cordomus'] },
  'policy render': { args: () => ['cordomus', '--format', 'html'] },
  'policy check': { args: (out) => [path.join(out, '..', '..', 'policy.json')] },
  'policy decide': {
    args: () => ['cordomus'],
    input:
      '{"action":"read","actor":{"roles":["volunteer"],"relationship":"none"},"resource":{"type":"family"}}\n',
  },
  'policy adopt': {
    args: () => ['--centre', 'ashbury', 'preston'],
    exit: { code: 1, why: "a valid policy is the centre's to change" },
  },
  'referrals list': { args: () => ['--centre', 'ashbury', '--json'], refused: true },
  'sessions day': {
    args: () => ['--centre', 'ashbury', '--date', '2026-11-28', '--json'],
    refused: true,
  },
  'audit verify': { args: () => [] },
  'audit checkpoint': { args: () => [] },
  'audit export-checkpoints': { args: () => [] },
  'keys rotate': { args: () => [] },
  'retention run': { args: () => ['--dry-run', '--json'] },
  'retention approve': {
    args: () => ['--centre', 'ashbury', '--run', 'any', '--families', '1'],
    refused: true,
  },
  backup: { args: (out) => ['--out', out] },
  'backup rotate': { args: (out) => ['--dir', path.join(out, '..', 'backup')] },
  'backup drill': { args: (out) => ['--from', path.join(out, '..', 'backup')] },
  restore: {
    // No family has been destroyed here, so there is no ledger to apply.
    args: (out) => [newestBackup(path.join(out, '..', 'backup')), '--without-ledger'],
    freshData: true,
  },
  import: {
    args: (out) => ['--centre', 'ashbury', '--dry-run', path.join(out, '..', '..', 'families.csv')],
    refused: true,
  },
  'import template': { args: (out) => ['--out', path.join(out, 'templates')] },
  doctor: { args: () => [] },
}

function newestBackup(folder: string): string {
  const names = readdirSync(folder)
    .filter((name) => name.endsWith('.backup'))
    .sort()
  const newest = names.at(-1)
  if (newest === undefined) throw new Error('no backup was written before restore')
  return path.join(folder, newest)
}

/** The newest entry's place in the whole audit log. */
function lastLogPlace(dataDir: string): number {
  const database = new DatabaseSync(path.join(dataDir, 'haven.db'), { readOnly: true })
  try {
    const row = database.prepare('select max(seq) as seq from audit_log').get() as { seq: number }
    return row.seq
  } finally {
    database.close()
  }
}

/**
 * Reads of a real centre's records by the operator after a place in the log (type and
 * details); a demo centre's synthetic families are anyone's to read.
 */
function operatorReadsAfter(dataDir: string, seq: number): string[] {
  const database = new DatabaseSync(path.join(dataDir, 'haven.db'), { readOnly: true })
  try {
    const rows = database
      .prepare(
        `select a.type, a.details from audit_log a join centres c on c.id = a.centre_id
         where a.actor_id = 'operator' and a.seq > ? and c.is_demo = 0
         and a.type in ('record.read', 'records.listed', 'contact.revealed') order by a.seq`,
      )
      .all(seq) as { type: string; details: string }[]
    return rows.map((row) => `${row.type} ${row.details}`)
  } finally {
    database.close()
  }
}

/** Runs haven with standard input given (and closed). */
function runWithInput(
  args: string[],
  env: Record<string, string>,
  input: string,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAVEN_BIN, ...args], { env: childEnv(env) })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr })
    })
    child.stdin.end(input)
  })
}

/** Every file under a folder, as text (binary files too: a marker in clear would show). */
function everyFileUnder(folder: string): { file: string; text: string }[] {
  const found: { file: string; text: string }[] = []
  for (const name of readdirSync(folder)) {
    const file = path.join(folder, name)
    if (statSync(file).isDirectory()) found.push(...everyFileUnder(file))
    else found.push({ file, text: readFileSync(file).toString('latin1') })
  }
  return found
}

describe("the installation's operator reads no family, by any command (HAVEN_OPERATOR_SCOPE)", () => {
  let root: string
  let env: Record<string, string>
  let importDry: Finished

  before(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'haven-operator-'))
    dirs.push(root)
    env = { HAVEN_DATA_DIR: path.join(root, 'data'), HAVEN_DEMO: 'false' }
    mkdirSync(env.HAVEN_DATA_DIR!, { mode: 0o700 })
    const made = await runHaven(
      ['centre', 'create', '--name', 'Ashbury', '--coordinator-email', 'c@ashbury.example.org'],
      env,
    )
    assert.equal(made.code, 0, made.stderr)
    // The centre's own families, moved in while the operator was still the centre's own
    // (HAVEN_OPERATOR_SCOPE=centre): every name and address carries the marker.
    writeFileSync(
      path.join(root, 'families.csv'),
      `Family,Keep parents apart\r\n${MARKER} family,yes\r\n`,
    )
    writeFileSync(
      path.join(root, 'people.csv'),
      'Family,Role,First name,Last name,Date of birth,Parental responsibility,Address,Phone\r\n' +
        `${MARKER} family,resident parent,Ceri${MARKER},${MARKER},,yes,1 ${MARKER} Lane,07700 900123\r\n` +
        `${MARKER} family,non-resident parent,Owain${MARKER},${MARKER}-Price,,yes,2 ${MARKER} Road,\r\n` +
        `${MARKER} family,child,Alys${MARKER},${MARKER},02/03/2020,,,\r\n`,
    )
    const files = [path.join(root, 'families.csv'), path.join(root, 'people.csv')]
    const imported = await runHaven(['import', '--centre', 'ashbury', ...files], env)
    assert.equal(imported.code, 0, imported.stdout + imported.stderr)
    // The same command as the centre's own operator shows the families: the marker is there
    // to be found, so the canary below can see a leak.
    importDry = await runHaven(['import', '--centre', 'ashbury', '--dry-run', ...files], env)
    // A volunteer, and a parent with an account of their own whose name carries the marker.
    const haven = await openHaven(loadConfig(env, root))
    try {
      const centre = await findCentreBySlugOrThrow(haven.ctx, 'ashbury')
      for (const [email, role, displayName] of [
        ['v@ashbury.example.org', 'volunteer', 'Volunteer Vale'],
        ['p@parents.example.org', 'parent', `Ceri ${MARKER}`],
      ] as const) {
        const invitation = await inviteMember(haven.ctx, operatorActor(centre.id), {
          email,
          roles: [role],
        })
        await acceptInvitation(
          haven.ctx,
          { token: tokenFromLink(invitation.link), displayName, password: PASSWORD },
          'test',
        )
      }
    } finally {
      await haven.close()
    }
    const exported = await runHaven(
      ['centre', 'export', '--centre', 'ashbury', '--out', path.join(root, 'ashbury-export.jsonl')],
      env,
    )
    assert.equal(exported.code, 0, exported.stderr)
    const policy = await runHaven(['policy', 'show', 'cordomus'], env)
    writeFileSync(path.join(root, 'policy.json'), policy.stdout)
  })

  it('has a row for every command, and no row for a command that is gone', () => {
    const commands = COMMANDS.map((command) => command.path.join(' ')).sort()
    assert.deepEqual(Object.keys(TABLE).sort(), commands)
    for (const command of COMMANDS) {
      const row = TABLE[command.path.join(' ')]!
      if ('skip' in row) continue
      assert.equal(
        row.refused === true,
        command.centreScopeOnly !== undefined,
        `haven ${command.path.join(' ')}: refused in the table exactly when it is centre-scope only`,
      )
    }
  })

  it('shows the marker to the centre’s own operator, and logs its reads, so a leak would be seen', async () => {
    assert.ok(
      (importDry.stdout + importDry.stderr).includes(MARKER),
      'the dry run of an import names the families',
    )
    const since = lastLogPlace(env.HAVEN_DATA_DIR!)
    const list = await runHaven(['referrals', 'list', '--centre', 'ashbury', '--json'], env)
    assert.equal(list.code, 0, list.stderr)
    assert.notDeepEqual(operatorReadsAfter(env.HAVEN_DATA_DIR!, since), [])
  })

  it("never shows the operator a centre's parents: not listed, and their address answers as nobody's", async () => {
    const scoped = { ...env, HAVEN_OPERATOR_SCOPE: 'installation' }
    const asOwn = await runHaven(['centre', 'members', '--centre', 'ashbury', '--json'], env)
    assert.match(asOwn.stdout, /p@parents\.example\.org/, "the centre's own operator sees them")
    const asHost = await runHaven(['centre', 'members', '--centre', 'ashbury', '--json'], scoped)
    assert.equal(asHost.code, 0, asHost.stderr)
    const emails = (JSON.parse(asHost.stdout) as { email: string }[]).map((m) => m.email)
    assert.deepEqual(emails, ['v@ashbury.example.org'])
    const parent = await runHaven(
      ['centre', 'disable', '--centre', 'ashbury', '--email', 'p@parents.example.org'],
      scoped,
    )
    const nobody = await runHaven(
      ['centre', 'disable', '--centre', 'ashbury', '--email', 'nobody@parents.example.org'],
      scoped,
    )
    assert.equal(parent.code, 2)
    assert.equal(parent.stderr, nobody.stderr)
  })

  it('refuses work inside a centre where two centres share a machine and nobody said whose shell this is', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-operator-'))
    dirs.push(dir)
    const unset = { HAVEN_DATA_DIR: path.join(dir, 'data'), HAVEN_DEMO: 'false' }
    mkdirSync(unset.HAVEN_DATA_DIR, { mode: 0o700 })
    const list = ['referrals', 'list', '--centre', 'ashbury']
    for (const name of ['Ashbury', 'Brookfield']) {
      const made = await runHaven(
        ['centre', 'create', '--name', name, '--coordinator-email', `c@${name}.example.org`],
        unset,
      )
      assert.equal(made.code, 0, made.stderr)
      if (name === 'Ashbury') assert.equal((await runHaven(list, unset)).code, 0, 'one centre')
    }
    const refused = await runHaven(list, unset)
    assert.equal(refused.code, 1)
    assert.match(
      refused.stderr,
      /holds 2 centres .* say whose work this is with HAVEN_OPERATOR_SCOPE/,
    )
    const own = await runHaven(list, { ...unset, HAVEN_OPERATOR_SCOPE: 'centre' })
    assert.equal(own.code, 0, own.stderr)
  })

  it('runs every command in installation scope without the marker leaving the database', async () => {
    const scoped = { ...env, HAVEN_OPERATOR_SCOPE: 'installation' }
    const since = lastLogPlace(env.HAVEN_DATA_DIR!)
    const seen: string[] = []
    for (const command of COMMANDS) {
      const words = command.path.join(' ')
      const row = TABLE[words]!
      if ('skip' in row) continue
      const out = path.join(root, 'out', words.replaceAll(' ', '-'))
      mkdirSync(out, { recursive: true })
      // restore wants an empty database, under the keys and ledger the backup was made with
      const data = env.HAVEN_DATA_DIR!
      const runEnv = row.freshData
        ? {
            ...scoped,
            HAVEN_DATA_DIR: mkdtempSync(path.join(root, 'fresh-')),
            HAVEN_MASTER_KEY_FILE: path.join(data, 'master.key'),
            HAVEN_AUDIT_KEY_FILE: path.join(data, 'audit-signing.key'),
            HAVEN_DISPOSAL_LEDGER_FILE: path.join(data, 'disposal-ledger.jsonl'),
          }
        : scoped
      const args = [...command.path, ...row.args(out)]
      const run =
        row.input === undefined
          ? await runHaven(args, runEnv)
          : await runWithInput(args, runEnv, row.input)
      const said = run.stdout + run.stderr
      assert.ok(!said.includes(MARKER), `haven ${words} printed a family's details`)
      // Nor a link that opens an account: an invitation's or a reset's (decision 0047).
      if (row.printsLink === undefined)
        assert.doesNotMatch(
          said,
          /\/(invitations|password-reset)\//,
          `haven ${words} printed a link`,
        )
      for (const { file, text } of everyFileUnder(out))
        assert.ok(!text.includes(MARKER), `haven ${words} wrote a family's details to ${file}`)
      assert.equal(run.code, row.refused ? 1 : (row.exit?.code ?? 0), `haven ${words}: ${said}`)
      if (row.refused) {
        assert.match(run.stderr, /HAVEN_OPERATOR_SCOPE=installation/)
      }
      const reads = operatorReadsAfter(env.HAVEN_DATA_DIR!, since)
      assert.deepEqual(reads, [], `haven ${words} read records as the operator`)
      seen.push(`${words}:${String(run.code)}`)
    }
    assert.equal(seen.length, COMMANDS.length - 1, 'every command but serve was run')
  })
})
