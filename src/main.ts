import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { ensureDemoCentre } from './app/demo-centre.ts'
import { openHaven } from './app/runtime.ts'
import type { Config } from './config.ts'
import { createHttpApp } from './http/app.ts'
import type { Log } from './logger.ts'
import { webRoutes } from './web/routes.ts'

export interface RunningServer {
  url: string
  close(): Promise<void>
}

/**
 * The one place that wires configuration, database, app and server together: opens and
 * migrates the database, creates the demo centre on first start (unless turned off), and
 * listens. Throws (with a one-line message) when any step fails; nothing is left open.
 */
export async function startServer(config: Config, log: Log): Promise<RunningServer> {
  const haven = await openHaven(config)
  try {
    if (haven.migrations.applied.length > 0) {
      log.info({ applied: haven.migrations.applied }, 'database migrated')
    }
    if (config.isDemoEnabled) {
      const demo = await ensureDemoCentre(haven.ctx)
      if (demo) {
        log.info(
          { families: demo.families, sessions: demo.sessions },
          'demo centre created (synthetic data)',
        )
      }
    }
    const app = createHttpApp(haven.ctx, log, {
      bodyLimitBytes: config.bodyLimitBytes,
      isBehindTls: config.isBehindTls,
      pages: webRoutes(haven.ctx, { isBehindTls: config.isBehindTls }),
    })
    const listener = getRequestListener(app.fetch)
    const server = createServer((request, response) => {
      void listener(request, response)
    })
    server.headersTimeout = 20_000
    server.requestTimeout = 60_000
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(config.port, config.host, () => {
        server.off('error', reject)
        resolve()
      })
    }).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code
      throw new Error(
        code === 'EADDRINUSE'
          ? `port ${config.port} is in use; stop the other program or set PORT`
          : `cannot listen on ${config.host}:${config.port}: ${code ?? 'unknown error'}`,
      )
    })
    const address = server.address() as AddressInfo
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    const url = `http://${host}:${address.port}`
    log.info({ url, dialect: haven.database.dialect }, 'Haven is listening')
    return {
      url,
      close: async () => {
        await new Promise<void>((resolve) => {
          server.close(() => {
            resolve()
          })
          server.closeAllConnections()
        })
        await haven.close()
      },
    }
  } catch (error) {
    await haven.close()
    throw error
  }
}
