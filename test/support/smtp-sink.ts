import { createServer, type Server } from 'node:net'

export interface ReceivedMail {
  from: string
  to: string[]
  data: string
}

/**
 * A minimal SMTP server on loopback that accepts every message (RFC 5321's happy path, no
 * TLS, no auth), so mail delivery is tested over a real SMTP conversation. `replyDelayMs`
 * holds each message's acceptance back that long.
 */
export async function startSmtpSink(options: { replyDelayMs?: number } = {}): Promise<{
  port: number
  received: ReceivedMail[]
  close: () => Promise<void>
}> {
  const received: ReceivedMail[] = []
  const server: Server = createServer((socket) => {
    let buffer = ''
    let inData = false
    let current: ReceivedMail = { from: '', to: [], data: '' }
    socket.write('220 sink.test ESMTP\r\n')
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8')
      for (;;) {
        if (inData) {
          const end = buffer.indexOf('\r\n.\r\n')
          if (end === -1) return
          current.data = buffer.slice(0, end)
          buffer = buffer.slice(end + 5)
          inData = false
          received.push(current)
          current = { from: '', to: [], data: '' }
          // A slow server (when asked) keeps a delivery round open longer.
          if (options.replyDelayMs === undefined) socket.write('250 OK queued\r\n')
          else
            setTimeout(() => {
              if (!socket.destroyed) socket.write('250 OK queued\r\n')
            }, options.replyDelayMs)
          continue
        }
        const newline = buffer.indexOf('\r\n')
        if (newline === -1) return
        const line = buffer.slice(0, newline)
        buffer = buffer.slice(newline + 2)
        const verb = line.slice(0, 4).toUpperCase()
        if (verb === 'EHLO' || verb === 'HELO') socket.write('250-sink.test\r\n250 8BITMIME\r\n')
        else if (verb === 'MAIL') {
          current.from = line
          socket.write('250 OK\r\n')
        } else if (verb === 'RCPT') {
          current.to.push(line)
          socket.write('250 OK\r\n')
        } else if (verb === 'DATA') {
          inData = true
          socket.write('354 go ahead\r\n')
        } else if (verb === 'QUIT') {
          socket.end('221 bye\r\n')
        } else socket.write('250 OK\r\n')
      }
    })
    socket.on('error', () => undefined)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    port,
    received,
    close: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve()
        })
      }),
  }
}
