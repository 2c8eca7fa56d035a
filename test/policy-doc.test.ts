import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { CLAUSE_IDS } from '../src/domain/policy/clauses.ts'
import { childEnv, HAVEN_BIN } from './support/processes.ts'

const doc = readFileSync(new URL('../docs/POLICY.md', import.meta.url), 'utf8')
const examples = [
  ...doc.matchAll(/```json request ([a-z-]+)\n(.+)\n```\n\n```json decision\n(.+)\n```/g),
].map((m) => ({
  preset: m[1] ?? '',
  request: m[2] ?? '',
  decision: m[3] ?? '',
}))

function decideWithCli(
  preset: string,
  lines: string[],
): Promise<{ code: number | null; out: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAVEN_BIN, 'policy', 'decide', preset], {
      env: childEnv({}),
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      resolve({ code, out: out.trim().split('\n') })
    })
    child.stdin.end(lines.join('\n') + '\n')
  })
}

describe('docs/POLICY.md', () => {
  it('has a worked example for every clause id', () => {
    assert.ok(examples.length >= CLAUSE_IDS.length)
    for (const clause of CLAUSE_IDS) {
      const section = doc.split(`### ${clause}:`)[1]?.split('\n### ')[0] ?? ''
      assert.ok(section.includes('```json request'), `no worked example for ${clause}`)
    }
  })

  it('is answered by `haven policy decide` exactly as written', async () => {
    const presets = [...new Set(examples.map((example) => example.preset))]
    for (const preset of presets) {
      const mine = examples.filter((example) => example.preset === preset)
      const { code, out } = await decideWithCli(
        preset,
        mine.map((example) => example.request),
      )
      assert.equal(code, 0)
      assert.deepEqual(
        out,
        mine.map((example) => example.decision),
        `${preset}: run npm run docs:policy if the engine changed on purpose`,
      )
    }
  })
})
