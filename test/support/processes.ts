import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'

export const HAVEN_BIN = path.resolve(import.meta.dirname, '../../bin/haven.js')

export interface Finished {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** The environment for a child: this one without Haven's own variables, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(HAVEN_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(name),
    ),
  )
  return { ...base, LOG_LEVEL: 'warn', ...env }
}

/** Runs `haven ...args` to the end. */
export function runHaven(
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<Finished> {
  return runNode([HAVEN_BIN, ...args], env, cwd)
}

export function runNode(
  args: string[],
  env: Record<string, string>,
  cwd?: string,
): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: childEnv(env), cwd: cwd ?? process.cwd() })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code, signal) => {
      resolve({ code, signal, stdout, stderr })
    })
  })
}

export interface Served {
  url: string
  child: ChildProcess
  /** Everything written to stderr so far. */
  stderr: () => string
  /** The log lines (stdout) so far. */
  stdout: () => string
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<number | null>
}

/** Starts `haven serve` on a free port and resolves when it listens. */
export function serveHaven(env: Record<string, string>, extraArgs: string[] = []): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAVEN_BIN, 'serve', ...extraArgs], {
      env: childEnv({ PORT: '0', LOG_LEVEL: 'info', ...env }),
    })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((done) => {
      child.on('exit', (code) => {
        done(code)
      })
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`haven serve did not start in 30 s: ${stderr}`))
    }, 30_000)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`haven serve exited (${code}) before listening: ${stderr}`))
    })
    let stdout = ''
    createInterface({ input: child.stdout }).on('line', (line) => {
      stdout += `${line}\n`
      let entry: { msg?: string; url?: string }
      try {
        entry = JSON.parse(line) as { msg?: string; url?: string }
      } catch {
        return
      }
      if (entry.msg === 'Haven is listening' && entry.url) {
        clearTimeout(timer)
        resolve({
          url: entry.url,
          child,
          stderr: () => stderr,
          stdout: () => stdout,
          stop: () => {
            child.kill('SIGTERM')
            return exited
          },
        })
      }
    })
  })
}

/**
 * Whether this process may signal `pid`: the database's process runs on this machine, as a
 * user this test may stop (the tests that freeze PostgreSQL with SIGSTOP).
 */
export function canSignal(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
