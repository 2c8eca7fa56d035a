import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { isHavenError } from '../domain/errors.ts'
import { operatorActor } from './actor.ts'
import { createCentre } from './centres.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'
import {
  backoffAfter,
  classifyDeliveryError,
  deliverOutbox,
  listUndeliveredMessages,
  MAX_DELIVERY_ATTEMPTS,
  queueMessage,
  sendMessageAgain,
  type OutgoingMessage,
} from './outbox.ts'

/** An SMTP failure as nodemailer reports it. */
const smtpError = (code: string, responseCode?: number) =>
  Object.assign(new Error(`refused for someone@example.org (${code})`), { code, responseCode })

describe('what a delivery failure is', () => {
  it('tells refusals for good from failures worth trying again, in words safe to log', () => {
    assert.deepEqual(classifyDeliveryError(smtpError('EENVELOPE', 550)), {
      errorClass: 'recipient_refused',
      isPermanent: true,
    })
    assert.deepEqual(classifyDeliveryError(smtpError('EMESSAGE', 554)), {
      errorClass: 'rejected',
      isPermanent: true,
    })
    assert.deepEqual(classifyDeliveryError(smtpError('EAUTH', 535)), {
      errorClass: 'authentication',
      isPermanent: false,
    })
    assert.equal(classifyDeliveryError(smtpError('ECONNECTION')).errorClass, 'connection')
    assert.equal(classifyDeliveryError(smtpError('ETIMEDOUT')).errorClass, 'timeout')
    assert.deepEqual(classifyDeliveryError(smtpError('EENVELOPE', 451)), {
      errorClass: 'deferred',
      isPermanent: false,
    })
    assert.deepEqual(classifyDeliveryError(smtpError('EPROTOCOL', 421)), {
      errorClass: 'deferred',
      isPermanent: false,
    })
    assert.deepEqual(classifyDeliveryError(new Error('anything')), {
      errorClass: 'other',
      isPermanent: false,
    })
  })

  it('waits a minute after the first failure, doubling, never more than four hours', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 8, 9, 10].map((n) => backoffAfter(n) / 60_000),
      [1, 2, 4, 8, 128, 240, 240],
    )
  })
})

for (const dialect of await dialectsUnderTest()) {
  describe(`the outbox on ${dialect.name}`, { skip: dialect.skip }, () => {
    async function queue(ctx: AppContext, centreId: string, recipients: readonly string[]) {
      await inCentre(ctx, centreId, async (trx) => {
        for (const [i, recipient] of recipients.entries())
          await queueMessage(ctx, trx, {
            centreId,
            recipient,
            subject: `Message ${String(i)}`,
            body: 'A synthetic body',
          })
      })
    }

    /** A centre whose coordinator's invitation has gone, then these messages queued. */
    async function centreWithMessages(ctx: AppContext, recipients: readonly string[]) {
      const { centre } = await createCentre(ctx, {
        name: 'Centre alder',
        slug: 'alder',
        coordinatorEmail: 'c@alder.example.org',
      })
      assert.equal((await deliverOutbox(ctx, () => Promise.resolve())).delivered, 1)
      await queue(ctx, centre.id, recipients)
      return centre.id
    }

    it('never lets messages that keep failing hold the others up, and backs off each on its own', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T09:00:00Z')
        const ctx = testContext(database, clock)
        // 150 undeliverable messages queued first, then one that can go.
        const centreId = await centreWithMessages(
          ctx,
          Array.from({ length: 150 }, (_, i) => `nobody${String(i)}@unreachable.example.org`),
        )
        clock.advance(1000)
        await queue(ctx, centreId, ['someone@example.org'])
        const sent: string[] = []
        const deliver = (message: OutgoingMessage) => {
          if (message.recipient.endsWith('@unreachable.example.org'))
            return Promise.reject(smtpError('ECONNECTION'))
          sent.push(message.recipient)
          return Promise.resolve()
        }
        // Ask until every message has had its first go (100 at a time).
        const first = await deliverOutbox(ctx, deliver)
        const second = await deliverOutbox(ctx, deliver)
        assert.equal(first.failed + second.failed, 150)
        assert.deepEqual(sent, ['someone@example.org'], 'the good one went, in the second round')
        assert.deepEqual(second.errors, { connection: 50 })
        assert.equal((await deliverOutbox(ctx, deliver)).failed, 0, 'none is due a minute early')
        clock.advance(60_000)
        assert.equal((await deliverOutbox(ctx, deliver)).failed, 100, 'due again after a minute')
        clock.advance(60_000)
        const fourth = await deliverOutbox(ctx, deliver)
        assert.equal(fourth.failed, 50, 'the other 50 are due; the first 100 now wait two minutes')
      }))

    it('sets aside a message refused for good, or failed ten times; the coordinator sends it again', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T09:00:00Z')
        const ctx = testContext(database, clock)
        const centreId = await centreWithMessages(ctx, ['refused@example.org', 'flaky@example.org'])
        let isMailServerUp = false
        const deliver = (message: OutgoingMessage) => {
          if (message.recipient === 'refused@example.org')
            return Promise.reject(smtpError('EENVELOPE', 550))
          return isMailServerUp ? Promise.resolve() : Promise.reject(smtpError('ETIMEDOUT'))
        }
        const round = await deliverOutbox(ctx, deliver)
        assert.deepEqual(
          [round.failed, round.setAside, round.errors],
          [2, 1, { recipient_refused: 1, timeout: 1 }],
        )
        for (let attempt = 2; attempt <= MAX_DELIVERY_ATTEMPTS; attempt += 1) {
          clock.advance(backoffAfter(attempt - 1))
          const again = await deliverOutbox(ctx, deliver)
          assert.equal(again.failed, 1, `attempt ${String(attempt)}`)
          assert.equal(again.setAside, attempt === MAX_DELIVERY_ATTEMPTS ? 1 : 0)
        }
        clock.advance(24 * 60 * 60_000)
        assert.equal((await deliverOutbox(ctx, deliver)).failed, 0, 'set aside: not tried again')
        const coordinator = operatorActor(centreId)
        const aside = await listUndeliveredMessages(ctx, coordinator)
        assert.deepEqual(aside.map((m) => [m.recipient, m.lastError, m.attempts]).sort(), [
          ['flaky@example.org', 'timeout', MAX_DELIVERY_ATTEMPTS],
          ['refused@example.org', 'recipient_refused', 1],
        ])
        const flaky = aside.find((m) => m.recipient === 'flaky@example.org')
        await sendMessageAgain(ctx, coordinator, flaky?.id ?? '')
        isMailServerUp = true
        assert.equal((await deliverOutbox(ctx, deliver)).delivered, 1, 'sent once back in line')
        assert.equal((await listUndeliveredMessages(ctx, coordinator)).length, 1)
        const twice = await sendMessageAgain(ctx, coordinator, flaky?.id ?? '').catch(
          (e: unknown) => e,
        )
        assert.ok(isHavenError(twice) && twice.code === 'conflict', 'a sent one is not sent again')
        const retried = await database.db
          .selectFrom('audit_log')
          .select('subject_id')
          .where('type', '=', 'message.retried')
          .execute()
        assert.deepEqual(
          retried.map((r) => r.subject_id),
          [flaky?.id],
        )
      }))

    it('shows one centre only its own set-aside messages, and only to those who manage people', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const centreId = await centreWithMessages(ctx, ['refused@example.org'])
        await deliverOutbox(ctx, () => Promise.reject(smtpError('EENVELOPE', 550)))
        const { centre: other } = await createCentre(ctx, {
          name: 'Centre birch',
          slug: 'birch',
          coordinatorEmail: 'c@birch.example.org',
        })
        assert.equal((await listUndeliveredMessages(ctx, operatorActor(centreId))).length, 1)
        assert.deepEqual(await listUndeliveredMessages(ctx, operatorActor(other.id)), [])
        const volunteer = { ...operatorActor(centreId), roles: ['volunteer' as const] }
        const refused = await listUndeliveredMessages(ctx, volunteer).catch((e: unknown) => e)
        assert.ok(isHavenError(refused) && refused.code === 'forbidden')
      }))
  })
}
