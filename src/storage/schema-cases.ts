import type { Generated } from 'kysely'

/**
 * Row types of the case records (migration 0005), under the conventions of schema.ts. Ciphertext
 * columns hold AES-256-GCM output, never clear text; `version` counts edits for optimistic
 * concurrency.
 */
export interface AgencyRow {
  id: string
  centre_id: string
  kind: string
  name: string
  created_at: string
}

export interface ReferralRow {
  id: string
  centre_id: string
  family_id: string
  agency_id: string | null
  referred_by: string | null
  status: string
  received_on: string
  /** The id of the person the children live with. */
  children_live_with: string | null
  /** JSON: { kind, reference, madeOn, court, conditions } or null. */
  court_order: string | null
  availability: string | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface ReferralEventRow {
  id: string
  centre_id: string
  referral_id: string
  from_status: string | null
  to_status: string
  at: string
  by_account: string | null
}

export interface SessionPersonRow {
  centre_id: string
  session_id: string
  person_id: string
  arrives_at: string
  leaves_at: string
  waiting_room_id: string | null
  arrived_at: string | null
  departed_at: string | null
}

export interface SessionWorkerRow {
  centre_id: string
  session_id: string
  account_id: string
  assigned_at: string
  assigned_by: string | null
}

export interface WorkerCheckRow {
  id: string
  centre_id: string
  account_id: string
  kind: string
  level: string
  /** The certificate reference, sealed under the master key. */
  certificate_ciphertext: string | null
  issued_on: string
  renewal_due_on: string
  outcome: string
  recorded_by: string | null
  created_at: string
  version: Generated<number>
}

export interface AcquaintanceRow {
  centre_id: string
  account_id: string
  family_id: string
  declared_at: string
}

export interface AssessmentRow {
  id: string
  centre_id: string
  family_id: string
  assessor: string
  place: string
  starts_at: string
  approved_by: string | null
  approved_role: string | null
  approved_at: string | null
  booked_at: string | null
  created_by: string | null
  created_at: string
  version: Generated<number>
}

export interface IncidentRow {
  id: string
  centre_id: string
  kind: string
  family_id: string | null
  session_id: string | null
  occurred_at: string
  summary: string
  raised_by: string | null
  created_at: string
  version: Generated<number>
}

export interface GuidanceRequestRow {
  id: string
  centre_id: string
  family_id: string | null
  asked_by: string
  question: string
  answer: string | null
  answered_by: string | null
  created_at: string
  answered_at: string | null
  version: Generated<number>
}

export interface PolicyAcknowledgementRow {
  centre_id: string
  account_id: string
  version: number
  acknowledged_at: string
}

export interface RevealReasonRow {
  id: string
  centre_id: string
  family_id: string
  person_id: string
  account_id: string
  /** The revealer's own words; personal data possibly, so never in the audit log. */
  reason: string
  at: string
}

export interface AuditCheckpointRow {
  /** The whole-log place of the entry the checkpoint names. */
  seq: number
  chain: Generated<string>
  /** The entry's place in its chain; null for checkpoints signed before migration 0011 (v1). */
  position: number | null
  hash: string
  at: string
  key_id: string
  /** Ed25519 over the checkpoint's canonical text, base64. */
  signature: string
}

/** A centre's key for its blind search index, sealed under the master key (migration 0015). */
export interface SearchKeyRow {
  centre_id: string
  sealed_key: string
  created_at: string
}

/** One keyed hash of a family's normalised search term: no term in clear (migration 0015). */
export interface FamilySearchTermRow {
  centre_id: string
  family_id: string
  term: string
}

/** A check of a centre's files that has been imported (migration 0017): used once. */
export interface ImportCheckRow {
  centre_id: string
  check_id: string
  imported_at: string
}

export interface CaseTables {
  import_checks: ImportCheckRow
  search_keys: SearchKeyRow
  family_search_terms: FamilySearchTermRow
  agencies: AgencyRow
  referrals: ReferralRow
  referral_events: ReferralEventRow
  session_people: SessionPersonRow
  session_workers: SessionWorkerRow
  worker_checks: WorkerCheckRow
  acquaintances: AcquaintanceRow
  assessments: AssessmentRow
  incidents: IncidentRow
  guidance_requests: GuidanceRequestRow
  policy_acknowledgements: PolicyAcknowledgementRow
  audit_checkpoints: AuditCheckpointRow
  reveal_reasons: RevealReasonRow
}
