// What the benchmarks that drive the real server share: `haven serve` as a child process,
// its resident set, the /healthz probe in a third process, and signing in over HTTP.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, readFileSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { hotp, totpStep } from '../src/domain/totp.ts'
import { base32Decode } from '../test/support/accounts.ts'

export const ROOT = path.resolve(import.meta.dirname, '..')
export const PASSWORD = 'lantern orchard pebble'

export interface Server {
  url: string
  child: ChildProcess
  stop(): Promise<void>
}

/** "NAME=value,NAME=value" as settings (BENCH_SERVER_ENV, BENCH_LOAD_VERSUS). */
export function settingsOf(list: string): Record<string, string> {
  const pairs = list.split(',').filter((p) => p.includes('='))
  return Object.fromEntries(
    pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]),
  )
}

/**
 * BENCH_SERVER_ENV ("HAVEN_DB_POOL_SIZE=20,..."): settings for the server only, to compare
 * one setting's values on the same data.
 */
function serverEnvFromBench(): Record<string, string> {
  return settingsOf(process.env.BENCH_SERVER_ENV ?? '')
}

export function serve(env: Record<string, string>, script = 'src/cli/main.ts'): Promise<Server> {
  const base = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => !/^(HAVEN_|DATABASE_URL$|PORT$|HOST$|LOG_LEVEL$)/.test(name),
    ),
  )
  // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"): flags for the
  // server's node only, to profile it under the benchmark's load.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(ROOT, script), 'serve', '--no-demo'],
    {
      env: { ...base, PORT: '0', LOG_LEVEL: 'info', ...env, ...serverEnvFromBench() },
      cwd: ROOT,
    },
  )
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  // A benchmark that fails leaves no server behind.
  const orphan = () => child.kill('SIGKILL')
  process.on('exit', orphan)
  const exited = new Promise<void>((done) =>
    child.on('exit', () => {
      process.off('exit', orphan)
      done()
    }),
  )
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no answer in 60 s: ${stderr}`))
    }, 60_000)
    void exited.then(() => {
      reject(new Error(`haven serve exited: ${stderr}`))
    })
    // BENCH_SERVER_LOG=FILE: the server's log kept (each request's route, status and ms).
    const kept = process.env.BENCH_SERVER_LOG
    const log = kept ? createWriteStream(kept, { flags: 'a' }) : undefined
    createInterface({ input: child.stdout }).on('line', (line) => {
      log?.write(`${line}\n`)
      if (!line.includes('Haven is listening')) return
      const entry = JSON.parse(line) as { url?: string }
      clearTimeout(timer)
      resolve({
        url: entry.url ?? '',
        child,
        stop: () => {
          child.kill('SIGTERM')
          return exited
        },
      })
    })
  })
}

/** The server's resident set, from /proc, in MiB. */
export function rssOf(pid: number | undefined): number {
  try {
    const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
    const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1]
    return Number(kb ?? 0) / 1024
  } catch {
    return 0
  }
}

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc. */
export function cpuMsOf(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${String(pid)}/stat`, 'utf8')
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
  } catch {
    return 0
  }
}

export function startProbe(url: string, cookie?: string): { stop: () => Promise<ProbeResult> } {
  const args = [path.join(ROOT, 'bench/healthz-probe.ts'), url, '25', ...(cookie ? [cookie] : [])]
  const child = spawn(process.execPath, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const done = new Promise<ProbeResult>((resolve) =>
    child.on('exit', () => {
      resolve(JSON.parse(out.trim() || '{}') as ProbeResult)
    }),
  )
  return {
    stop: () => {
      child.stdin.end()
      return done
    },
  }
}
export interface ProbeResult {
  count: number
  failures: number
  p50: number
  p99: number
  max: number
}

function cookieOf(response: Response, name: string): string | undefined {
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';')
    if (pair?.startsWith(`${name}=`)) return pair
  }
  return undefined
}

/** Signs in over HTTP as a browser would, enrolling the second factor when asked. */
export async function signIn(
  url: string,
  account: { email: string; slug: string },
): Promise<{ cookie: string; csrf: string }> {
  const post = (where: string, body: unknown, cookie?: string, csrf?: string) =>
    fetch(`${url}${where}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(cookie ? { cookie } : {}),
        ...(csrf ? { 'x-csrf-token': csrf } : {}),
      },
      body: JSON.stringify(body),
    })
  const first = await post('/api/auth/sign-in', {
    centre: account.slug,
    email: account.email,
    password: PASSWORD,
  })
  const signedIn = (await first.json()) as { secondFactor?: string; csrfToken?: string }
  let cookie = cookieOf(first, 'haven_session')
  let csrf = signedIn.csrfToken
  if (!first.ok || !cookie || !csrf)
    throw new Error(`sign-in of ${account.email}: ${String(first.status)}`)
  if (signedIn.secondFactor === 'enrol') {
    const enrol = await post('/api/me/second-factor/enrol', {}, cookie, csrf)
    const { secret } = (await enrol.json()) as { secret: string }
    const code = hotp(base32Decode(secret), totpStep(Date.now()))
    const confirm = await post('/api/me/second-factor/confirm', { code }, cookie, csrf)
    const confirmed = (await confirm.json()) as { csrfToken?: string }
    cookie = cookieOf(confirm, 'haven_session') ?? cookie
    csrf = confirmed.csrfToken ?? csrf
    if (!confirm.ok) throw new Error(`second factor of ${account.email}: ${String(confirm.status)}`)
  } else if (signedIn.secondFactor !== 'none') {
    throw new Error(`sign-in of ${account.email} asks for ${String(signedIn.secondFactor)}`)
  }
  return { cookie, csrf }
}
