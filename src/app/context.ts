import type { DialectName, Db } from '../storage/database.ts'
import type { CompiledPolicy } from '../domain/policy/engine.ts'
import type { AuditSigningKey } from './audit-keys.ts'
import type { MasterKey } from './field-crypto.ts'

/**
 * What every use case is given: the database, the clock, how to make ids, the master key.
 * Built once in src/main.ts (or a test) and passed explicitly; there are no module singletons.
 */
export interface AppContext {
  db: Db
  dialect: DialectName
  now: () => Date
  newId: () => string
  masterKey: MasterKey
  /** Where people reach Haven, for links in messages: https://haven.example.org */
  publicUrl: string
  /** Compiled policies by content hash: a published version never changes, so never goes stale. */
  compiledPolicies: Map<string, CompiledPolicy>
  /** Signs audit checkpoints; loaded from a file outside the database. */
  auditKey: AuditSigningKey
  /**
   * The disposal ledger file (RETAIN): every destruction is appended here, outside the
   * database, so that a restore of an older backup can destroy it again. Undefined: no file.
   */
  disposalLedgerFile?: string | undefined
  /** How checkpoints are signed and handed out (HAVEN_AUDIT_CHECKPOINT_*), for the audit page. */
  auditCheckpointing?: { minutes: number; file: string | undefined } | undefined
  /**
   * Set only inside `onePageRead` (src/app/in-centre.ts): `db` is then the page's one read
   * transaction, the use cases called with this context read through it, and the centre's
   * policy in force is read once for the page.
   */
  page?: PageRead | undefined
}

/** A page's one snapshot (see `onePageRead`). */
export interface PageRead {
  centreId: string
  /**
   * The policy in force, read once in this snapshot, by centre: the read itself, so that parts
   * of the page asked at once (`pageTogether`) share one read rather than each making its own.
   */
  policies: Map<string, Promise<CompiledPolicy>>
}
