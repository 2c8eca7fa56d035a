import type { Role } from '../roles.ts'
import type { ClauseId } from './clauses.ts'

/** Something that must happen if the permitted action goes ahead. */
export type Obligation =
  | { kind: 'audit' }
  | { kind: 'record_in_register' }
  | { kind: 'record_reason' }
  | { kind: 'record_legal_basis' }
  | { kind: 'second_sign_off' }
  | { kind: 'notify'; roles: Role[] }
  | { kind: 'tell_person_or_record_why_not' }
  /** CONTACT to the former partner: whoever releases names the consent they rely on. */
  | { kind: 'confirm_consent' }
  | { kind: 'approval'; roles: Role[] }
  | { kind: 'keep_history' }
  | { kind: 'crypto_shred' }
  | { kind: 'workers_acknowledge' }
  | { kind: 'record_withholding_ground'; ground: string }

/** Which policy a decision was made under: id, version and content hash. */
export interface PolicyRef {
  id: string
  version: number
  hash: string
}

export interface RetentionVerdict {
  verdict: 'keep_indefinitely' | 'keep' | 'on_hold' | 'due'
  /** When the record falls due, for `keep` and `due`. */
  dueOn?: string
  why: string
}

/**
 * A decision explains itself: the clauses that determined it, what must follow a permit, the
 * fields to hide, and the policy version. Deny by default; forbid beats permit; a clause
 * that errors denies and says so (ENGINEERING.md §2).
 */
export type Decision =
  | {
      effect: 'permit'
      clauses: ClauseId[]
      obligations: Obligation[]
      redact: string[]
      policy: PolicyRef
      retention?: RetentionVerdict
    }
  | {
      effect: 'deny'
      clauses: ClauseId[]
      reasons: string[]
      errors: string[]
      policy: PolicyRef
      retention?: RetentionVerdict
    }
