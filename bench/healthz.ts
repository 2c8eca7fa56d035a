// Issue 15: does /healthz answer while the server works? Starts bench/healthz-server.ts (a
// Haven server on a generated SQLite centre) in another process and asks /healthz every 10 ms
// from this one: while idle, while the server takes a backup, and while it carries out a
// disposal run (both inside the server process, as its daily disposal is). Prints p50, p99 and
// the longest answer of each phase. Run: npm run bench:healthz (HAVEN_BENCH_FAMILIES=20000).
import { fork } from 'node:child_process'

const child = fork(new URL('./healthz-server.ts', import.meta.url), [], { stdio: 'inherit' })
const messages: { url?: string; done?: string; ms?: number; families?: number }[] = []
let wake: (() => void) | undefined
child.on('message', (message: (typeof messages)[number]) => {
  messages.push(message)
  wake?.()
})
async function next(): Promise<(typeof messages)[number]> {
  while (messages.length === 0) await new Promise<void>((resolve) => (wake = resolve))
  return messages.shift() ?? {}
}

const ready = await next()
const url = ready.url ?? ''

async function probe(isRunning: () => boolean): Promise<number[]> {
  const times: number[] = []
  while (isRunning()) {
    const asked = performance.now()
    const response = await fetch(`${url}/healthz`)
    await response.arrayBuffer()
    if (response.status !== 200) throw new Error(`healthz answered ${String(response.status)}`)
    times.push(performance.now() - asked)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return times
}

async function phase(task: 'idle' | 'backup' | 'disposal') {
  let running = true
  const probing = probe(() => running)
  let ms = 2000
  if (task === 'idle') await new Promise((resolve) => setTimeout(resolve, ms))
  else {
    child.send(task)
    ms = (await next()).ms ?? 0
  }
  running = false
  const times = (await probing).sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0
  return { task, ms, n: times.length, p50: at(0.5), p99: at(0.99), max: times.at(-1) ?? 0 }
}

const rows = [await phase('idle'), await phase('backup'), await phase('disposal')]
child.send('stop')
console.log(
  `| ${String(ready.families)} families | work took | /healthz asked | p50 | p99 | longest |`,
)
console.log('|---|---|---|---|---|---|')
for (const r of rows)
  console.log(
    `| ${r.task} | ${(r.ms / 1000).toFixed(1)} s | ${String(r.n)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(1)} ms |`,
  )
