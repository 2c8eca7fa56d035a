import nodemailer from 'nodemailer'
import type { OutgoingMessage } from './outbox.ts'

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
      })
    },
    close: () => {
      transport.close()
    },
  }
}
