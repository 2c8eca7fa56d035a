import { parseArgs } from 'node:util'
import { ConfigError, loadConfig, type SettingName } from '../config.ts'
import { HavenError, isHavenError } from '../domain/errors.ts'
import { HAVEN_VERSION } from '../version.ts'
import { UsageError, type CliIo, type Command } from './commands.ts'
import { COMMANDS } from './run-commands.ts'

/**
 * The `haven` command. Every failure is one line on stderr and a non-zero exit: 2 for a
 * wrong command line, 1 for anything else. Never a stack trace.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io)
  } catch (error) {
    io.err(`haven: ${oneLine(error)}`)
    return error instanceof UsageError ? 2 : 1
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  const [first] = argv
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? argv.slice(1) : []
    io.out(topic.length > 0 ? commandHelp(findCommand(topic).command) : generalHelp())
    return 0
  }
  if (first === '--version' || first === '-v' || first === 'version') {
    io.out(HAVEN_VERSION)
    return 0
  }
  const { command, rest } = findCommand(argv)
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(command))
    return 0
  }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({
      args: [...rest],
      options: command.options,
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    throw new UsageError(`${oneLine(error)}; see haven ${command.path.join(' ')} --help`)
  }
  const extra = parsed.positionals[command.positionals ?? 0]
  if (extra !== undefined) {
    throw new UsageError(
      `Unexpected argument '${extra}'; see haven ${command.path.join(' ')} --help`,
    )
  }
  if (
    command.centreScopeOnly !== undefined &&
    loadConfig(io.env, io.cwd).operatorScope !== 'centre'
  ) {
    throw new HavenError(
      'forbidden',
      `haven ${command.path.join(' ')} ${command.centreScopeOnly}, which this installation's operator may not (HAVEN_OPERATOR_SCOPE=installation); a coordinator of the centre does it in Haven`,
    )
  }
  const isScopeUnset = (io.env['HAVEN_OPERATOR_SCOPE' satisfies SettingName] ?? '') === ''
  return command.run(
    parsed.values,
    parsed.positionals,
    command.centreScopeOnly !== undefined && isScopeUnset
      ? { ...io, unscopedCentreWork: command.centreScopeOnly }
      : io,
  )
}

function findCommand(words: readonly string[]): { command: Command; rest: string[] } {
  const match = COMMANDS.filter((command) =>
    command.path.every((word, i) => words[i] === word),
  ).sort((a, b) => b.path.length - a.path.length)[0]
  if (match) return { command: match, rest: words.slice(match.path.length) }
  const group = COMMANDS.filter((command) => command.path[0] === words[0])
  if (group.length > 0) {
    const choices = group.map((command) => command.path.join(' ')).join(', ')
    throw new UsageError(`"${words.join(' ')}" is not a command; try one of: ${choices}`)
  }
  throw new UsageError(`unknown command "${words[0] ?? ''}"; see haven --help`)
}

function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.path.join(' ').length))
  return [
    `Haven ${HAVEN_VERSION}: records for a child contact centre, with its confidentiality policy enforced.`,
    '',
    'Usage: haven <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.path.join(' ').padEnd(width)}  ${command.summary}`),
    '',
    'Options:',
    '  --help, -h     help for haven or for any command (haven serve --help)',
    '  --version, -v  the version',
  ].join('\n')
}

function commandHelp(command: Command): string {
  return [
    `Usage: ${command.usage}`,
    '',
    command.summary + '.',
    ...(command.details.length > 0 ? ['', ...command.details] : []),
  ].join('\n')
}

function oneLine(error: unknown): string {
  if (isHavenError(error) || error instanceof ConfigError || error instanceof Error) {
    return (error.message.split('\n')[0] ?? '').trim() || error.name
  }
  return String(error)
}

function stopSignal(): Promise<string> {
  return new Promise((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => {
        resolve(signal)
      })
  })
}

/**
 * Runs `haven` as this process: argv, streams, signals and exit code. Every file the process
 * makes is private to its user (umask 077), whatever the shell's umask: the database and its
 * WAL, keys, ledger and backups are also made 0600 one by one, so this is the second wall.
 */
export async function runFromProcess(): Promise<void> {
  process.umask(0o077)
  process.on('uncaughtException', (error) => {
    process.stderr.write(`haven: ${oneLine(error)}\n`)
    process.exit(1)
  })
  process.on('unhandledRejection', (error) => {
    process.stderr.write(`haven: ${oneLine(error)}\n`)
    process.exit(1)
  })
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    stopSignal: stopSignal(),
    readStdin: async () => {
      const chunks: Buffer[] = []
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
      return Buffer.concat(chunks).toString('utf8')
    },
  })
  process.exitCode = code
}

if (import.meta.main) await runFromProcess()
