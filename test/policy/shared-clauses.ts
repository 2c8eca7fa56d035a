import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

/** ../shared beside the repository (searched upwards, so it is found from a sandbox copy too). */
function findShared(file: string): string {
  let dir = import.meta.dirname
  for (;;) {
    const candidate = path.join(dir, 'shared', file)
    if (existsSync(candidate)) return candidate
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`no shared/${file} above ${import.meta.dirname}`)
    dir = parent
  }
}

/** The clause ids in the table of ../shared/POLICY-CLAUSES.md. */
export const POLICY_CLAUSE_IDS: string[] = [
  ...readFileSync(findShared('POLICY-CLAUSES.md'), 'utf8').matchAll(/^\| ([A-Z]+) \|/gm),
].map((m) => m[1] ?? '')
