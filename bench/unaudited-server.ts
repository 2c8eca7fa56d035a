// BENCHMARK ONLY: `haven serve` with the audit entries of audited reads dropped, to measure
// what the audit costs the same reads (bench/load.ts). Nothing in src/ knows of it: a module
// hook rewrites src/app/audit.ts as it is loaded so that writeDeferredAudit writes nothing.
// Never run this against real data: reads made through it leave no trace in the audit log.
import { registerHooks } from 'node:module'

const TARGET = '/src/app/audit.ts'
const ORIGINAL = 'export async function writeDeferredAudit('

registerHooks({
  load(url, context, nextLoad) {
    const loaded = nextLoad(url, context)
    if (!url.endsWith(TARGET)) return loaded
    const source =
      typeof loaded.source === 'string' ? loaded.source : new TextDecoder().decode(loaded.source)
    if (!source.includes(ORIGINAL))
      throw new Error(`bench/unaudited-server.ts: ${TARGET} no longer has writeDeferredAudit`)
    return {
      ...loaded,
      source: source.replace(
        ORIGINAL,
        `export async function writeDeferredAudit(): Promise<void> {}\nexport async function writeDeferredAuditAsShipped(`,
      ),
    }
  },
})

const cli = (await import('../src/cli/main.ts')) as { runFromProcess: () => Promise<void> }
await cli.runFromProcess()
