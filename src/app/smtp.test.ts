import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startSmtpSink } from '../../test/support/smtp-sink.ts'
import { smtpDelivery } from './smtp.ts'

describe('delivery by SMTP', () => {
  it('RFC 3834: every message says it was sent by a machine (Auto-Submitted: auto-generated), so nothing replies to it', async () => {
    const sink = await startSmtpSink()
    const smtp = smtpDelivery(`smtp://127.0.0.1:${String(sink.port)}`, 'Haven <haven@example.org>')
    try {
      await smtp.deliver({
        recipient: 'someone@example.org',
        subject: 'Haven: a message for you',
        body: 'Something in Haven needs your attention.\n',
      })
      assert.equal(sink.received.length, 1)
      const headers = (sink.received[0]?.data ?? '').split('\r\n\r\n')[0] ?? ''
      assert.match(headers, /^Auto-Submitted: auto-generated$/im)
      assert.match(headers, /^X-Auto-Response-Suppress: All$/im)
      assert.match(headers, /^Subject: Haven: a message for you$/im)
    } finally {
      smtp.close()
      await sink.close()
    }
  })
})
