// A separate process that asks the server for /healthz (or another address) every few
// milliseconds, each time on a NEW connection, so what it measures includes the wait to be
// accepted: how long someone arriving while the server is busy waits for any answer. Used by
// bench/load.ts and bench/disposal.ts. Run: node bench/healthz-probe.ts URL [intervalMs]
// [cookie]. It probes until its standard input closes (or SIGTERM), then prints one JSON line:
// {count, failures, p50, p99, max} in milliseconds.
import http from 'node:http'

const url = new URL(process.argv[2] ?? 'http://127.0.0.1:3000/healthz')
const intervalMs = Number(process.argv[3] ?? '25')
const cookie = process.argv[4]
const TIMEOUT_MS = 30_000

const times: number[] = []
let failures = 0
const state = { stopping: false }

function once(): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now()
    const request = http.get(
      url,
      { agent: false, timeout: TIMEOUT_MS, headers: cookie ? { cookie } : {} },
      (response) => {
        response.resume()
        response.on('end', () => {
          times.push(performance.now() - started)
          if ((response.statusCode ?? 500) >= 400) failures += 1
          resolve()
        })
      },
    )
    request.on('timeout', () => request.destroy(new Error('timeout')))
    request.on('error', () => {
      times.push(performance.now() - started)
      failures += 1
      resolve()
    })
  })
}

function report(): void {
  const sorted = [...times].sort((a, b) => a - b)
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
  process.stdout.write(
    `${JSON.stringify({ count: sorted.length, failures, p50: at(0.5), p99: at(0.99), max: sorted.at(-1) ?? 0 })}\n`,
  )
}

const stop = () => {
  state.stopping = true
}
process.stdin.on('end', stop)
process.stdin.on('close', stop)
process.stdin.resume()
process.on('SIGTERM', stop)
while (!state.stopping) {
  const started = performance.now()
  await once()
  const rest = intervalMs - (performance.now() - started)
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest))
}
report()
process.exit(0)
