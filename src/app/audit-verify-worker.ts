// A worker thread of `haven audit verify`: checks one range of the audit log on its own
// connection and sends back what it found (src/domain/audit-range.ts).
import { parentPort, workerData } from 'node:worker_threads'
import { AuditRangeCheck } from '../domain/audit-range.ts'
import { streamAuditRange, type AuditSource } from '../storage/audit-stream.ts'

export interface AuditRangeJob {
  source: AuditSource
  from: number
  to: number
  heads: [string, number][]
  wanted: string[]
}

const job = workerData as AuditRangeJob
const check = new AuditRangeCheck(new Map(job.heads), new Set(job.wanted))
await streamAuditRange(job.source, job.from, job.to, check)
parentPort?.postMessage(check.result())
