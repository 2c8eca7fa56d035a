import type { ParseArgsConfig } from 'node:util'

/** What a command may touch: its streams and environment, passed in rather than global. */
export interface CliIo {
  env: Readonly<Record<string, string | undefined>>
  cwd: string
  out: (line: string) => void
  err: (line: string) => void
  /** Resolves when the process is asked to stop (SIGINT, SIGTERM). */
  stopSignal: Promise<string>
  /** All of standard input, as text. */
  readStdin: () => Promise<string>
  /**
   * Set by dispatch for a centreScopeOnly command run with HAVEN_OPERATOR_SCOPE unset: what it
   * does. withHaven then refuses it where the database holds two or more real centres, so a
   * host's shell that forgot the setting is not all-seeing (decision 0047).
   */
  unscopedCentreWork?: string
}

export type CliOptions = NonNullable<ParseArgsConfig['options']>
export type CliValues = Record<string, string | boolean | (string | boolean)[] | undefined>

export interface Command {
  /** Words after `haven`, e.g. ['centre', 'create']. */
  path: readonly string[]
  summary: string
  usage: string
  /** Lines after the usage in --help: what the options mean. */
  details: readonly string[]
  options: CliOptions
  /**
   * Set when the command is refused to an operator whose HAVEN_OPERATOR_SCOPE is
   * `installation` (decision 0047): what it does that such an operator may not, e.g. "reads a
   * centre's families". Such commands act inside a centre as its coordinator.
   */
  centreScopeOnly?: string
  /** How many positional arguments it takes at most (default none). */
  positionals?: number
  /** Returns the exit code. */
  run(values: CliValues, positionals: string[], io: CliIo): Promise<number>
}

/** A usage error: the command line itself is wrong (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError'
}
