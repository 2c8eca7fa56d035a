import type { Generated } from 'kysely'
import type { CaseTables } from './schema-cases.ts'
import type { OutwardTables } from './schema-outward.ts'

/**
 * Row types, as the database holds them. They never leave src/storage: storage functions map
 * them to domain types. Conventions (docs/decisions/0003-query-layer.md): ids are text,
 * timestamps are ISO-8601 UTC text, dates are YYYY-MM-DD text, flags are integers 0/1, so that
 * one migration runs unchanged on SQLite and PostgreSQL and both read back the same values.
 */
export interface CentreRow {
  id: string
  slug: string
  name: string
  is_demo: number
  created_at: string
  requires_second_factor_for_all: Generated<number>
  /** Minutes between one parent's arrival (or departure) and the other's. */
  stagger_minutes: Generated<number>
  /** 1 when the centre chose to be named on the public front page (migration 0008). */
  publicly_listed: Generated<number>
  /** The number of the centre's last family reference given, F-0042 (migration 0013). */
  last_family_number: Generated<number>
  /** When the centre was closed on this installation; null while open (migration 0020). */
  closed_at: string | null
}

export interface FamilyRow {
  id: string
  centre_id: string
  reference: string
  /** The family's data key, wrapped (encrypted) by the master key; base64. */
  wrapped_key: string
  key_version: number
  created_at: string
  last_activity_at: string
  version: Generated<number>
  updated_at: string | null
  is_separation_required: Generated<number>
  /** JSON array of short codes for the door ("no_photographs"). */
  safety_flags: Generated<string>
  is_on_legal_hold: Generated<number>
  /** The day its expired records were destroyed, when kept records still name it. */
  disposed_on: string | null
  legal_hold_reason: string | null
  /** When the family's search terms were last written (migration 0015); null: not yet. */
  search_indexed_at: string | null
}

export interface PersonRow {
  id: string
  centre_id: string
  family_id: string
  kind: string
  given_name: string
  family_name: string
  date_of_birth: string | null
  /** AES-256-GCM ciphertext under the family key; never clear text. */
  address_ciphertext: string | null
  phone_ciphertext: string | null
  email_ciphertext: string | null
  created_at: string
  version: Generated<number>
  updated_at: string | null
  relationship: string | null
  has_parental_responsibility: Generated<number>
  /** On the named-people list: may be admitted at the door. */
  may_attend: Generated<number>
  account_id: string | null
}

export interface RoomRow {
  id: string
  centre_id: string
  name: string
}

export interface ContactSessionRow {
  id: string
  centre_id: string
  family_id: string
  room_id: string
  kind: string
  starts_at: string
  ends_at: string
  status: string
  created_at: string
  version: Generated<number>
  updated_at: string | null
  cancelled_by: string | null
  cancelled_at: string | null
  booked_by: string | null
}

export interface KeyCheckRow {
  id: number
  /** A known value wrapped by the master key, to tell a wrong key at start-up. */
  wrapped_check: string
  created_at: string
}

export interface AccountRow {
  id: string
  email: string
  display_name: string
  /** argon2id in PHC string form. */
  password_hash: string
  /** The TOTP secret, AES-256-GCM under the master key. */
  totp_secret_ciphertext: string | null
  /** A secret being enrolled, not yet confirmed by a code; ciphertext too. */
  totp_pending_ciphertext: string | null
  totp_last_step: number | null
  is_disabled: number
  created_at: string
  updated_at: string
  version: number
}

export interface AccountRoleRow {
  account_id: string
  centre_id: string
  role: string
  agency_kind: string | null
  agency_name: string | null
  granted_at: string
  granted_by: string | null
  agency_id: string | null
}

export interface InvitationRow {
  id: string
  centre_id: string
  email: string
  /** JSON array of roles. */
  roles: string
  agency_kind: string | null
  agency_name: string | null
  /** SHA-256 of the token; the token itself is only in the link. */
  token_hash: string
  invited_by: string | null
  created_at: string
  expires_at: string
  accepted_at: string | null
  accepted_account_id: string | null
  /** A coordinator's invitation answered on its link, waiting for the e-mailed confirmation. */
  answered_at: string | null
  /** SHA-256 of the token in the confirmation e-mailed to the invited address. */
  confirm_token_hash: string | null
}

export interface AuthSessionRow {
  id: string
  token_hash: string
  account_id: string
  centre_id: string
  is_second_factor_pending: number
  created_at: string
  last_seen_at: string
  ended_at: string | null
  end_reason: string | null
}

export interface PasswordResetRow {
  id: string
  account_id: string
  token_hash: string
  created_at: string
  expires_at: string
  used_at: string | null
}

export interface RecoveryCodeRow {
  id: string
  account_id: string
  code_hash: string
  created_at: string
  used_at: string | null
}

export interface AuthAttemptRow {
  /** One guess; charged to each of its keys (a row per key). */
  id: string
  /** A keyed hash of the key (kind and value): throttling needs equality, never the address. */
  key_hash: string
  at: string
}

export interface MemberAccessStopRow {
  account_id: string
  centre_id: string
  stopped_at: string
  stopped_by: string | null
}

export interface OutboxRow {
  id: string
  centre_id: string | null
  recipient: string
  subject: string
  /** The message body, AES-256-GCM under the master key (it may hold a one-time link). */
  body_ciphertext: string | null
  created_at: string
  sent_at: string | null
  attempts: number
  /** Not to be tried before this instant; null: at once. */
  next_attempt_at: string | null
  /** The class of the last failure (never its message). */
  last_error: string | null
  /** When it was set aside: failed too often, or refused for good. */
  set_aside_at: string | null
}

export interface ReminderDayRow {
  centre_id: string
  kind: string
  day: string
  done_at: string
}

export interface AuditLogRow {
  /** The entry's place in the whole log; given by the database. */
  seq: Generated<number>
  /** The chain: a centre's id, or '' for the installation's own events. */
  chain: Generated<string>
  /** The entry's place in its chain, which its hash covers; null before migration 0011. */
  chain_seq: number | null
  centre_id: string | null
  at: string
  type: string
  actor_id: string | null
  subject_id: string | null
  /** JSON of ids, counts and codes: never personal data in clear. */
  details: string
  prev_hash: string
  hash: string
}

export interface PolicyVersionRow {
  centre_id: string
  version: number
  /** The policy document as JSON (validated before it is stored). */
  document: string
  hash: string
  published_at: string
  published_by: string | null
}

export interface PolicyReviewRow {
  id: string
  centre_id: string
  version: number
  reviewed_on: string
  reviewed_by: string | null
  outcome: string
  notes: string
}

/** A POST sent with an Idempotency-Key: reserved before it runs, then its answer (0030). */
export interface IdempotencyKeyRow {
  id: string
  centre_id: string
  account_id: string
  /** A keyed hash of the header's value: the client's text is not kept. */
  key_hash: string
  /** A keyed hash of method, path and body. */
  fingerprint: string
  state: 'running' | 'done'
  status: number | null
  content_type: string | null
  location: string | null
  /** The first answer's body, sealed under the master key. */
  body_ciphertext: string | null
  created_at: string
  completed_at: string | null
}

export interface Tables extends CaseTables, OutwardTables {
  centres: CentreRow
  families: FamilyRow
  people: PersonRow
  rooms: RoomRow
  contact_sessions: ContactSessionRow
  key_check: KeyCheckRow
  accounts: AccountRow
  account_roles: AccountRoleRow
  invitations: InvitationRow
  auth_sessions: AuthSessionRow
  password_resets: PasswordResetRow
  recovery_codes: RecoveryCodeRow
  auth_attempts: AuthAttemptRow
  member_access_stops: MemberAccessStopRow
  outbox: OutboxRow
  reminder_days: ReminderDayRow
  audit_log: AuditLogRow
  policy_versions: PolicyVersionRow
  policy_reviews: PolicyReviewRow
  idempotency_keys: IdempotencyKeyRow
}
