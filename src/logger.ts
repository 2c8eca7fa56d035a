import { pino, type DestinationStream, type Logger } from 'pino'
import type { LogLevel } from './config.ts'

/**
 * Structured logs (docs/decisions/0006-logging.md). What is logged is chosen field by field
 * at each call site: method, route pattern, status, duration, request id, error class. Never
 * request bodies, query strings, headers with credentials, or personal data.
 */
export type Log = Pick<Logger, 'info' | 'warn' | 'error' | 'debug' | 'fatal'>

export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'haven' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ['*.headers.cookie', '*.headers.authorization', '*.password', '*.token'],
        censor: '[redacted]',
      },
    },
    destination,
  )
}

/** What may be logged of an error: its class and code and where it was thrown, not its message. */
export function describeErrorForLog(error: unknown): {
  errorName: string
  errorCode?: string
  stack?: string
} {
  if (!(error instanceof Error)) return { errorName: typeof error }
  const code = (error as { code?: unknown }).code
  const frames = error.stack
    ?.split('\n')
    .filter((line) => line.trimStart().startsWith('at '))
    .slice(0, 8)
  return {
    errorName: error.name,
    ...(typeof code === 'string' ? { errorCode: code } : {}),
    ...(frames && frames.length > 0
      ? { stack: frames.map((line) => line.trim()).join(' | ') }
      : {}),
  }
}
