import { connect as netConnect, isIP } from 'node:net'
import { connect as tlsConnect } from 'node:tls'
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

/**
 * Whether the SMTP server of HAVEN_SMTP_URL answers (`haven doctor`): a connection (TLS for
 * smtps://), its 220 greeting and the 250 answer to EHLO, then QUIT; no login, no message.
 * Resolves with what went wrong, in words without the URL's password; undefined when it
 * answered.
 */
export async function probeSmtp(url: string, timeoutMs: number): Promise<string | undefined> {
  const parsed = new URL(url)
  const isTls = parsed.protocol === 'smtps:'
  const host = parsed.hostname.replace(/^\[|\]$/g, '')
  const port = parsed.port === '' ? (isTls ? 465 : 587) : Number(parsed.port)
  return new Promise((resolve) => {
    const socket = isTls
      ? tlsConnect({ host, port, servername: isIP(host) === 0 ? host : undefined })
      : netConnect({ host, port })
    let buffer = ''
    let stage: 'greeting' | 'ehlo' | 'done' = 'greeting'
    const finish = (problem: string | undefined): void => {
      if (stage === 'done') return
      stage = 'done'
      clearTimeout(timer)
      socket.destroy()
      resolve(problem)
    }
    const timer = setTimeout(() => {
      finish(`${host}:${String(port)} did not answer within ${String(timeoutMs)} ms`)
    }, timeoutMs)
    socket.on('error', (error: NodeJS.ErrnoException) => {
      finish(`cannot reach ${host}:${String(port)} (${error.code ?? error.message})`)
    })
    socket.on('close', () => {
      finish(`${host}:${String(port)} closed the connection before answering EHLO`)
    })
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1')
      // A reply is complete at a line whose code is followed by a space (RFC 5321 4.2.1).
      const lines = buffer.split('\r\n')
      const last = lines.slice(0, -1).find((line) => /^\d{3}( |$)/.test(line))
      if (last === undefined) return
      buffer = ''
      const code = last.slice(0, 3)
      if (stage === 'greeting') {
        if (code !== '220') {
          finish(`${host}:${String(port)} greeted with ${code}, not 220`)
          return
        }
        stage = 'ehlo'
        socket.write('EHLO haven-doctor.invalid\r\n')
      } else if (stage === 'ehlo') {
        if (code !== '250') {
          finish(`${host}:${String(port)} answered EHLO with ${code}, not 250`)
          return
        }
        stage = 'done'
        clearTimeout(timer)
        // QUIT politely; the server closes, or the socket is let go a moment later.
        socket.end('QUIT\r\n')
        setTimeout(() => socket.destroy(), 1_000).unref()
        resolve(undefined)
      }
    })
  })
}
