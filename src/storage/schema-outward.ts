import type { Generated } from 'kysely'

/**
 * Row types of the outward paths (migration 0006): consent, the disclosure register, subject
 * access and disposal, under the conventions of schema.ts. JSON columns are text.
 */
export interface ConsentRow {
  id: string
  centre_id: string
  family_id: string
  person_id: string
  category: string
  recipient_kind: string
  recipient_name: string
  purpose: string
  evidence: string
  evidence_reference: string | null
  given_on: string
  expires_on: string | null
  recorded_by: string | null
  recorded_at: string
}

export interface ConsentWithdrawalRow {
  id: string
  centre_id: string
  consent_id: string
  family_id: string
  withdrawn_on: string
  evidence: string
  recorded_by: string | null
  recorded_at: string
}

export interface DisclosureRow {
  id: string
  centre_id: string
  family_id: string
  subject_person_id: string | null
  route: string
  agency_id: string | null
  requested_by: string | null
  requester_roles: string
  recipient_kind: string
  recipient_name: string
  category: string
  purpose: string
  at_risk: string | null
  concern_id: string | null
  reason: string | null
  legal_basis: string | null
  period_from: string | null
  period_to: string | null
  status: string
  consent_id: string | null
  consent_state: string
  decision_effect: string
  /** JSON array of clause ids. */
  decision_clauses: string
  /** JSON array of the engine's reasons. */
  decision_reasons: string
  policy_version: number
  policy_hash: string
  requested_at: string
  authorised_by: string | null
  second_sign_off_by: string | null
  second_sign_off_at: string | null
  decided_by: string | null
  decided_at: string | null
  released_what: string | null
  released_by: string | null
  released_at: string | null
  person_told: number | null
  not_told_reason: string | null
  version: Generated<number>
}

export interface SubjectAccessRequestRow {
  id: string
  centre_id: string
  family_id: string
  person_id: string
  requested_by: string | null
  received_on: string
  identity_status: string
  identity_method: string | null
  identity_checked_by: string | null
  identity_checked_on: string | null
  extension_months: Generated<number>
  extension_reason: string | null
  status: string
  completed_on: string | null
  completed_by: string | null
  created_at: string
  version: Generated<number>
  /** How a request made outside Haven came: letter, phone, email, in_person (0018). */
  received_via: string | null
  /** The coordinator's note on a request made outside Haven (0018). */
  note: string | null
}

export interface SubjectAccessPauseRow {
  id: string
  centre_id: string
  request_id: string
  reason: string
  from_on: string
  to_on: string | null
}

export interface SubjectAccessReleaseRow {
  id: string
  centre_id: string
  request_id: string
  item: string
  record_id: string
  reason: string
  released_by: string
  /** JSON array of roles. */
  released_roles: string
  released_at: string
}

export interface SubjectAccessWithheldRow {
  id: string
  centre_id: string
  request_id: string
  item: string
  record_id: string | null
  ground: string
  clause: string
  recorded_at: string
}

export interface DisposalRunRow {
  id: string
  centre_id: string
  as_of: string
  status: string
  policy_version: number
  is_automatic: number
  planned_at: string
  approved_by: string | null
  approved_role: string | null
  approved_at: string | null
  completed_at: string | null
  certificate: string | null
  /** Moved on by every change to what the run destroys; an approval names it (migration 0016). */
  version: Generated<number>
  /** The policy's years without use, when the run was planned (null: planned before 0016). */
  retention_years: number | null
}

export interface DisposalItemRow {
  id: string
  centre_id: string
  run_id: string
  item_kind: string
  item_id: string
  last_used_on: string
  due_on: string
  counts: string
  outcome: string | null
  /** The family's reference (F-0042), never a name; null for a record standing alone. */
  reference: string | null
  /** held (a legal hold) or excluded (this run only): kept out of the run by a person. */
  kept_as: string | null
  /** Why, as the person wrote it; cleared when the family is destroyed later. */
  kept_reason: string | null
  kept_by: string | null
  kept_at: string | null
}

export interface DisposalLedgerRow {
  id: string
  centre_id: string
  run_id: string
  item_kind: string
  item_id: string
  categories: string
  disposed_at: string
}

export interface OutwardTables {
  consents: ConsentRow
  consent_withdrawals: ConsentWithdrawalRow
  disclosures: DisclosureRow
  subject_access_requests: SubjectAccessRequestRow
  subject_access_pauses: SubjectAccessPauseRow
  subject_access_withheld: SubjectAccessWithheldRow
  subject_access_releases: SubjectAccessReleaseRow
  disposal_runs: DisposalRunRow
  disposal_items: DisposalItemRow
  disposal_ledger: DisposalLedgerRow
}
