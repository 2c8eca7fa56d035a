// Measures how long `haven serve` takes from process start to its first 200 on /healthz:
// on a new data folder (migrations and the demo centre included) and on an existing one.
// Run: npm run bench:startup. Writes nothing; prints a Markdown table for docs/PERFORMANCE.md.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { childEnv, HAVEN_BIN } from '../test/support/processes.ts'

const RUNS = Number(process.env.RUNS ?? 7)

async function timeToHealthy(dataDir: string): Promise<number> {
  const started = performance.now()
  const child = spawn(process.execPath, [HAVEN_BIN, 'serve'], {
    env: childEnv({ HAVEN_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' }),
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const url = await new Promise<string>((resolve, reject) => {
    child.on('exit', () => {
      reject(new Error('haven serve exited'))
    })
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('Haven is listening')) return
      resolve((JSON.parse(line) as { url: string }).url)
    })
  })
  const response = await fetch(`${url}/healthz`)
  const elapsed = performance.now() - started
  if (response.status !== 200) throw new Error(`healthz answered ${response.status}`)
  child.kill('SIGTERM')
  await new Promise((resolve) => child.on('close', resolve))
  return elapsed
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN
}

const fresh: number[] = []
const warm: number[] = []
for (let run = 0; run < RUNS; run += 1) {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-bench-'))
  try {
    fresh.push(await timeToHealthy(dir))
    warm.push(await timeToHealthy(dir))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
const fmt = (values: number[]): string =>
  `${median(values).toFixed(0)} ms (min ${Math.min(...values).toFixed(0)}, max ${Math.max(...values).toFixed(0)})`
console.log(`| start to first 200 on /healthz (${RUNS} runs, median) | time |`)
console.log('|---|---|')
console.log(`| new data folder: migrate, create master key and demo centre | ${fmt(fresh)} |`)
console.log(`| existing data folder | ${fmt(warm)} |`)
