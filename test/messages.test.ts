import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { addDays } from '../src/domain/calendar.ts'
import { sendRenewalReminders } from '../src/app/workers.ts'
import { todayAtCentre } from '../src/app/case-access.ts'
import { operatorActor } from '../src/app/actor.ts'
import { inviteMember } from '../src/app/invitations.ts'
import type { OutgoingMessage } from '../src/app/outbox.ts'
import {
  centreWithCoordinator,
  Client,
  invite,
  PASSWORD,
  testApp,
  tokenFromLink,
  waitForMessages,
} from './support/accounts.ts'
import { referral } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

/**
 * Messages say nothing about the service (issue 13): anyone who sees the recipient's phone
 * on a table reads a message's subject and first line on its lock screen, so neither names
 * the centre, its address (slug), or that it is a contact centre. Every kind of message
 * Haven queues is made here, and every message is read.
 */
const SLUG = 'lantern'
const NAME = 'Lantern Row Child Contact Centre'
const TELLING = [NAME, 'Centre lantern', SLUG, 'contact centre', 'contact-centre']

const SOURCES = path.resolve(import.meta.dirname, '../src')

/** The source files that queue a message: each kind must be made in the scenario below. */
function filesThatQueueMessages(): string[] {
  return readdirSync(SOURCES, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .filter((file) => /\bqueueMessage\(ctx/.test(readFileSync(path.join(SOURCES, file), 'utf8')))
    .map((file) => file.split(path.sep).join('/'))
    .sort()
}

function tells(message: OutgoingMessage): string[] {
  const seen = `${message.subject}\n${message.body.split('\n')[0] ?? ''}`.toLowerCase()
  return TELLING.filter((word) => seen.includes(word.toLowerCase()))
}

const isInvitation = (message: OutgoingMessage): boolean => message.body.includes('/invitations/')

describe('the kinds of message Haven queues', () => {
  it('are the ones the scenario below makes (a new one is added to it)', () => {
    assert.deepEqual(filesThatQueueMessages(), [
      'app/incidents.ts',
      'app/invitation-acceptance.ts',
      'app/invitations.ts',
      'app/password-reset.ts',
    ])
  })
})

for (const dialect of await dialectsUnderTest()) {
  describe(`messages on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('name neither the centre nor what it is in the subject or first line', (t) =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, SLUG)
        await database.db
          .updateTable('centres')
          .set({ name: NAME })
          .where('id', '=', centreId)
          .execute()
        // Invitations, to each kind of person.
        const referrer = await invite(ctx, app, centreId, SLUG, 'r@hollis.example.org', [
          'referrer',
        ])
        const volunteer = await invite(ctx, app, centreId, SLUG, 'v@example.org', ['volunteer'])
        const invited = await coordinator.client.json('POST', '/api/members/invitations', {
          email: 'parent@example.org',
          roles: ['parent'],
        })
        assert.equal(invited.status, 201, JSON.stringify(invited.body))
        // A notice to the coordinator: a request to disclose waits for them.
        const made = await referrer.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        assert.equal(made.status, 201)
        const asked = await referrer.client.json<{ status: string }>('POST', '/api/disclosures', {
          familyId: made.body.familyId,
          category: 'attendance',
          purpose: 'other',
        })
        assert.equal(asked.status, 201, JSON.stringify(asked.body))
        // A reminder: a worker's check falls due in 60 days.
        const check = await coordinator.client.json(
          'POST',
          `/api/workers/${volunteer.accountId}/checks`,
          {
            kind: 'dbs',
            level: 'enhanced',
            issuedOn: '2023-05-13',
            renewalDueOn: addDays(todayAtCentre(ctx), 60),
            outcome: 'clear',
          },
        )
        assert.equal(check.status, 201, JSON.stringify(check.body))
        assert.equal(await sendRenewalReminders(ctx), 1)
        // A password reset.
        const reset = await new Client(app).call('POST', '/api/auth/password-reset', {
          email: volunteer.email,
        })
        assert.ok(reset.status < 300, String(reset.status))
        // Invitation links answered: a coordinator's, for a new address and for one with an
        // account (each sends a confirmation), and the operator's, for an address with one.
        const answer = (link: string) =>
          new Client(app).json('POST', '/api/invitations/accept', {
            token: tokenFromLink(link),
            displayName: 'Someone',
            password: PASSWORD,
          })
        const again = await coordinator.client.json<{ link: string }>(
          'POST',
          '/api/members/invitations',
          { email: volunteer.email, roles: ['staff'] },
        )
        for (const link of [
          (invited.body as { link: string }).link,
          again.body.link,
          (
            await inviteMember(ctx, operatorActor(centreId), {
              email: volunteer.email,
              roles: ['chair'],
            })
          ).link,
        ])
          assert.equal((await answer(link)).status, 201)

        // The reset link is queued after the answer: wait for every message to arrive.
        const messages = await waitForMessages(ctx, 12)
        const invitations = messages.filter(isInvitation)
        const others = messages.filter((m) => !isInvitation(m))
        assert.equal(
          invitations.length,
          6,
          'the coordinator, referrer, volunteer, parent, and the volunteer again as staff and chair',
        )
        assert.equal(
          others.filter((m) => m.body.includes('/invitation-confirmations/')).length,
          2,
          'two confirmations',
        )
        assert.ok(
          others.some((m) => m.body.includes('/password-reset/')),
          'the reset link was queued',
        )
        assert.equal(others.filter((m) => m.body.includes('/sign-in')).length, 2, 'two notices')

        await t.test(
          'V14.2.6 notices, reminders and password resets name neither the centre nor "contact centre" in the subject or first line',
          () => {
            assert.deepEqual(
              others
                .map((m) => ({ subject: m.subject, tells: tells(m) }))
                .filter((m) => m.tells.length > 0),
              [],
            )
          },
        )
        await t.test('V14.2.6 nor does an invitation, to anyone', () => {
          assert.deepEqual(
            invitations
              .map((m) => ({ subject: m.subject, tells: tells(m) }))
              .filter((m) => m.tells.length > 0),
            [],
          )
        })
      }))
  })
}
