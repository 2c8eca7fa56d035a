import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { demoCoordinatorEmail, ensureDemoCentre } from './app/demo-centre.ts'
import { openHaven } from './app/runtime.ts'
import { SERVER_SQLITE_READERS } from './storage/database.ts'
import type { Config } from './config.ts'
import { createHttpApp } from './http/app.ts'
import { describeErrorForLog, type Log } from './logger.ts'
import type { AppContext } from './app/context.ts'
import { databaseFaultOf } from './app/faults.ts'
import { isHavenError } from './domain/errors.ts'
import { appendCheckpointFile } from './app/checkpoint-file.ts'
import { settleLedgerFile } from './app/disposal-execution.ts'
import { indexFamiliesNotYetIndexed } from './app/family-search.ts'
import { deliverOutbox } from './app/outbox.ts'
import { writeAuditCheckpoints } from './app/audit-trail.ts'
import { runDailyDisposal } from './app/retention.ts'
import { takeScheduledBackup } from './app/scheduled-backup.ts'
import { purgeExpiredIdempotencyKeys } from './app/idempotency.ts'
import { sendRenewalReminders } from './app/workers.ts'
import { smtpDelivery } from './app/smtp.ts'
import { webRoutes } from './web/routes.ts'
import { errorPageFor } from './web/error-page.ts'

export interface RunningServer {
  url: string
  /** When this start created the demo centre: its coordinator's one-time link. */
  demo: { email: string; link: string } | undefined
  close(): Promise<void>
}

/**
 * The one place that wires configuration, database, app and server together: opens and
 * migrates the database, creates the demo centre on first start (unless turned off), and
 * listens. Throws (with a one-line message) when any step fails; nothing is left open.
 */
export async function startServer(config: Config, log: Log): Promise<RunningServer> {
  const haven = await openHaven(config, undefined, { sqliteReaders: SERVER_SQLITE_READERS })
  // Migrated: from here a statement PostgreSQL leaves unanswered does not hold the pool.
  haven.database.watchAnswers?.(config.databasePool.answerMs)
  try {
    if (haven.migrations.applied.length > 0) {
      log.info({ applied: haven.migrations.applied }, 'database migrated')
    }
    const app = createHttpApp(haven.ctx, log, {
      bodyLimitBytes: config.bodyLimitBytes,
      isBehindTls: config.isBehindTls,
      trustedProxies: config.trustedProxies,
      pages: webRoutes(haven.ctx, { isBehindTls: config.isBehindTls }),
      errorPage: errorPageFor(haven.ctx),
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
    const host =
      address.address === '0.0.0.0' || address.address === '::'
        ? 'localhost'
        : address.family === 'IPv6'
          ? `[${address.address}]`
          : address.address
    const url = `http://${host}:${address.port}`
    // Links in messages point where Haven really listens, unless HAVEN_PUBLIC_URL says otherwise.
    if (config.isPublicUrlDefault) haven.ctx.publicUrl = url
    let demoLink: RunningServer['demo']
    if (config.isDemoEnabled) {
      const demo = await ensureDemoCentre(haven.ctx)
      if (demo) {
        demoLink = { email: demoCoordinatorEmail(demo.centre.slug), link: demo.coordinatorLink }
        log.info(
          { families: demo.families, sessions: demo.sessions },
          'demo centre created (synthetic data)',
        )
      }
    }
    const mail = startMailDelivery(haven.ctx, config, log)
    const checkpoints = startAuditCheckpoints(haven.ctx, config, log)
    const reminders = startDailyReminders(haven.ctx, log)
    const backups = startScheduledBackups(haven.ctx, config, log)
    log.info({ url, dialect: haven.database.dialect }, 'Haven is listening')
    return {
      url,
      demo: demoLink,
      close: async () => {
        await mail.stop()
        await checkpoints.stop()
        await backups.stop()
        reminders.stop()
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

/** With HAVEN_SMTP_URL set, sends the outbox every 15 seconds; otherwise does nothing. */
function startMailDelivery(
  ctx: AppContext,
  config: Config,
  log: Log,
): { stop: () => Promise<void> } {
  if (config.smtpUrl === undefined) return { stop: () => Promise.resolve() }
  const smtp = smtpDelivery(config.smtpUrl, config.mailFrom)
  let running: Promise<void> = Promise.resolve()
  const tick = (): void => {
    running = running.then(async () => {
      try {
        const round = await deliverOutbox(ctx, smtp.deliver)
        // Failures by class only (connection, timeout, recipient_refused, ...): never the
        // error's own words, which may name the recipient.
        if (round.delivered + round.failed > 0) log.info(round, 'outbox delivered')
      } catch (error) {
        log.error(failureOf(error), 'outbox delivery failed')
      }
    })
  }
  tick()
  const timer = setInterval(tick, 15_000)
  return {
    stop: async () => {
      clearInterval(timer)
      await running
      smtp.close()
    },
  }
}

/**
 * Signs an audit checkpoint of every chain that moved on, every HAVEN_AUDIT_CHECKPOINT_MINUTES
 * (SECURE); between those, each minute, of any chain that has moved on by
 * HAVEN_AUDIT_CHECKPOINT_ENTRIES entries; and once more on the way down, so a log cut short
 * later is caught. Each one signed is handed out to HAVEN_AUDIT_CHECKPOINT_FILE (issue 16).
 */
function startAuditCheckpoints(
  ctx: AppContext,
  config: Config,
  log: Log,
): { stop: () => Promise<void> } {
  if (config.auditCheckpointMinutes === 0) return { stop: () => Promise.resolve() }
  let running: Promise<void> = Promise.resolve()
  let lastFull = Date.now()
  const sign = (minEntries: number): void => {
    running = running.then(async () => {
      try {
        const signed = await writeAuditCheckpoints(ctx.db, ctx.auditKey, ctx.now(), minEntries)
        if (signed.length > 0) log.info({ chains: signed.length }, 'audit checkpoints signed')
        if (config.auditCheckpointFile !== undefined)
          appendCheckpointFile(config.auditCheckpointFile, signed)
      } catch (error) {
        log.error(failureOf(error), 'audit checkpoint failed')
      }
    })
  }
  const timer = setInterval(() => {
    const isDue = Date.now() - lastFull >= config.auditCheckpointMinutes * 60_000
    if (isDue) lastFull = Date.now()
    sign(isDue ? 1 : config.auditCheckpointEntries)
  }, 60_000)
  timer.unref()
  return {
    stop: async () => {
      clearInterval(timer)
      sign(1)
      await running
    },
  }
}

/**
 * With HAVEN_BACKUP_DIR set, looks each minute (and at start) whether the day's backup is due
 * at HAVEN_BACKUP_AT (UK time), and if so writes it, copies it to HAVEN_BACKUP_COPY_DIR and
 * rotates both folders (issue 18; decision 0045). With several servers on one PostgreSQL, one
 * takes it under an advisory lock. A failure is logged and tried again the next minute.
 */
function startScheduledBackups(
  ctx: AppContext,
  config: Config,
  log: Log,
): { stop: () => Promise<void> } {
  const dir = config.backupDir
  if (dir === undefined) return { stop: () => Promise.resolve() }
  const schedule = {
    dir,
    at: config.backupAt,
    copyDir: config.backupCopyDir,
    keep: config.backupKeep,
  }
  let running: Promise<void> = Promise.resolve()
  let lastFailure = ''
  const tick = (): void => {
    running = running.then(async () => {
      try {
        const taken = await takeScheduledBackup(ctx, schedule)
        lastFailure = ''
        if (taken.file !== undefined)
          log.info(
            { file: taken.file, copy: taken.copy, removed: taken.removed.length },
            'scheduled backup written',
          )
      } catch (error) {
        // Logged once until it changes, not every minute. Haven's own reasons name folders
        // (a drive not mounted), never records.
        const failure = {
          ...failureOf(error),
          ...(isHavenError(error) ? { reason: error.message } : {}),
        }
        const key = JSON.stringify(failure)
        if (key !== lastFailure) log.error(failure, 'the scheduled backup failed')
        lastFailure = key
      }
    })
  }
  tick()
  const timer = setInterval(tick, 60_000)
  timer.unref()
  return {
    stop: async () => {
      clearInterval(timer)
      await running
    },
  }
}

/**
 * Once a day (and once at start): remind coordinators of checks falling due (CHECKS), plan
 * each centre's disposal run (RETAIN), settle the disposal ledger file's unmarked batches
 * (decision 0036), and delete the Idempotency-Keys older than a day at
 * centres quiet since (a centre's own requests delete its old ones as they come; 0030).
 */
function startDailyReminders(ctx: AppContext, log: Log): { stop: () => void } {
  const tick = (): void => {
    sendRenewalReminders(ctx).then(
      (centres) => {
        if (centres > 0) log.info({ centres }, 'check renewal reminders queued')
      },
      (error: unknown) => {
        log.error(failureOf(error), 'check renewal reminders failed')
      },
    )
    purgeExpiredIdempotencyKeys(ctx).then(
      (deleted) => {
        if (deleted > 0) log.info({ deleted }, 'expired idempotency keys deleted')
      },
      (error: unknown) => {
        log.error(describeErrorForLog(error), 'deleting expired idempotency keys failed')
      },
    )
    runDailyDisposal(ctx).then(
      (centres) => {
        if (centres > 0) log.info({ centres }, 'disposal runs planned')
      },
      (error: unknown) => {
        log.error(failureOf(error), 'the daily disposal run failed')
      },
    )
    // Disposals whose commit was not marked in the ledger file (a crash; issue 16).
    settleLedgerFile(ctx).then(
      (settled) => {
        if (settled.committed + settled.abandoned > 0)
          log.info(settled, 'disposal ledger batches settled')
      },
      (error: unknown) => {
        log.error(failureOf(error), 'settling the disposal ledger failed')
      },
    )
    // Families held before the search index existed (migration 0015), a batch at a time.
    void indexAllWaiting(ctx).then(
      (indexed) => {
        if (indexed > 0) log.info({ indexed }, 'families indexed for search')
      },
      (error: unknown) => {
        log.error(failureOf(error), 'indexing families for search failed')
      },
    )
  }
  tick()
  const timer = setInterval(tick, 24 * 60 * 60_000)
  timer.unref()
  return {
    stop: () => {
      clearInterval(timer)
    },
  }
}

/** Indexes every family not yet in the search index, in batches, yielding between them. */
async function indexAllWaiting(ctx: AppContext): Promise<number> {
  let total = 0
  for (;;) {
    const indexed = await indexFamiliesNotYetIndexed(ctx)
    total += indexed
    if (indexed === 0) return total
    await new Promise((resolve) => setImmediate(resolve))
  }
}

/**
 * What a background job logs when a run fails: the error's class and, when the database failed
 * (busy, gone, full), which fault and the engine's code (0029). The job runs again at its next
 * tick; a failed run never ends the server.
 */
function failureOf(error: unknown): Record<string, unknown> {
  return { ...describeErrorForLog(error), ...databaseFaultOf(error)?.logFields }
}
