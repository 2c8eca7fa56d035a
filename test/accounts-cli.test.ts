import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { runHaven, serveHaven } from './support/processes.ts'
import { startSmtpSink } from './support/smtp-sink.ts'

const dirs: string[] = []
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-cli-'))
  dirs.push(dir)
  return dir
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('people and sign-in from the haven command', () => {
  it('creates a centre with a one-time coordinator link, invites, lists, and prints the outbox', async () => {
    const env = {
      HAVEN_DATA_DIR: dataDir(),
      HAVEN_DEMO: 'false',
      HAVEN_PUBLIC_URL: 'https://haven.example.org',
    }
    const created = await runHaven(
      [
        'centre',
        'create',
        '--name',
        'Ashbury Child Contact Centre',
        '--coordinator-email',
        'Coordinator@Ashbury.example.org',
      ],
      env,
    )
    assert.equal(created.code, 0, created.stderr)
    const link = /https:\/\/haven\.example\.org\/invitations\/[A-Za-z0-9_-]{43}/.exec(
      created.stdout,
    )?.[0]
    assert.ok(link, created.stdout)
    assert.match(created.stdout, /slug ashbury-child-contact-centre/)

    const invited = await runHaven(
      [
        'centre',
        'invite',
        '--centre',
        'ashbury-child-contact-centre',
        '--email',
        'ref@hollis.example.org',
        '--role',
        'referrer',
        '--agency-kind',
        'solicitor',
        '--agency-name',
        'Hollis & Co',
      ],
      env,
    )
    assert.equal(invited.code, 0, invited.stderr)
    assert.match(invited.stdout, /as referrer/)
    const badRole = await runHaven(
      [
        'centre',
        'invite',
        '--centre',
        'ashbury-child-contact-centre',
        '--email',
        'x@example.org',
        '--role',
        'king',
      ],
      env,
    )
    assert.equal(badRole.code, 1)
    assert.match(badRole.stderr, /"king" is not a role/)

    const members = await runHaven(
      ['centre', 'members', '--centre', 'ashbury-child-contact-centre'],
      env,
    )
    assert.equal(members.code, 0)
    assert.match(members.stdout, /Nobody has accepted/)

    const outbox = await runHaven(['outbox', 'deliver'], env)
    assert.equal(outbox.code, 0)
    assert.match(outbox.stdout, /To: coordinator@ashbury\.example\.org/)
    assert.ok(outbox.stdout.includes(link), 'the invitation e-mail carries the link')
    assert.match(outbox.stdout, /Delivered 2 message\(s\)/)
    assert.match((await runHaven(['outbox', 'deliver'], env)).stdout, /The outbox is empty/)

    const reset = await runHaven(['password-reset', '--email', 'nobody@example.org'], env)
    assert.equal(reset.code, 0)
    assert.match(reset.stdout, /If that address has a Haven account/)
    const noSuchAccount = await runHaven(
      ['second-factor', 'reset', '--email', 'nobody@example.org'],
      env,
    )
    assert.equal(noSuchAccount.code, 2)
    assert.match(noSuchAccount.stderr, /^haven: no account has that e-mail address\n$/)
    const unknownCentre = await runHaven(['centre', 'members', '--centre', 'nowhere'], env)
    assert.equal(unknownCentre.code, 1)
    assert.match(unknownCentre.stderr, /no centre has the slug "nowhere"/)
  })

  it('sends the outbox by SMTP from the server when HAVEN_SMTP_URL is set', async () => {
    const sink = await startSmtpSink()
    const dir = dataDir()
    try {
      const created = await runHaven(
        ['centre', 'create', '--name', 'Ashbury', '--coordinator-email', 'c@ashbury.example.org'],
        { HAVEN_DATA_DIR: dir },
      )
      assert.equal(created.code, 0, created.stderr)
      const served = await serveHaven({
        HAVEN_DATA_DIR: dir,
        HAVEN_SMTP_URL: `smtp://127.0.0.1:${sink.port}`,
        HAVEN_MAIL_FROM: 'Ashbury <haven@ashbury.example.org>',
      })
      for (let i = 0; i < 100 && sink.received.length === 0; i += 1)
        await new Promise((resolve) => setTimeout(resolve, 50))
      await served.stop()
      assert.equal(sink.received.length, 1)
      const mail = sink.received[0]
      assert.match(mail?.to.join() ?? '', /c@ashbury\.example\.org/)
      assert.match(mail?.data ?? '', /Subject: Your invitation to Haven/)
      assert.match(
        (await runHaven(['outbox', 'deliver'], { HAVEN_DATA_DIR: dir })).stdout,
        /The outbox is empty/,
      )
    } finally {
      await sink.close()
    }
  })
})
