import nodemailer from 'nodemailer'
import type { OutgoingMessage } from './outbox.ts'

/**
 * Every message says it was sent by a machine (RFC 3834 `Auto-Submitted: auto-generated`;
 * Exchange's `X-Auto-Response-Suppress` likewise), so that no out-of-office or other
 * automatic reply is sent back about it.
 */
export const AUTOMATIC_MESSAGE_HEADERS: Readonly<Record<string, string>> = {
  'Auto-Submitted': 'auto-generated',
  'X-Auto-Response-Suppress': 'All',
}

/**
 * Delivery of outbox messages by SMTP (nodemailer), when HAVEN_SMTP_URL is set:
 * smtp://user:password@host:587 (STARTTLS when the server offers it) or smtps://host:465.
 */
export function smtpDelivery(
  url: string,
  from: string,
): { deliver: (message: OutgoingMessage) => Promise<void>; close: () => void } {
  const transport = nodemailer.createTransport(url)
  return {
    deliver: async (message) => {
      await transport.sendMail({
        from,
        to: message.recipient,
        subject: message.subject,
        text: message.body,
        headers: { ...AUTOMATIC_MESSAGE_HEADERS },
      })
    },
    close: () => {
      transport.close()
    },
  }
}
