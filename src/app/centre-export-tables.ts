/**
 * Every table of Haven's schema, and what a centre's export (docs/decisions/0046) does with
 * it: its rows of this centre (by `centre_id`), the centre's own row, the accounts of the
 * centre's people, the centre's audit chain, or nothing, with the reason. A table added to
 * the schema and not named here fails test/centre-export.test.ts, so nobody has to remember.
 *
 * Columns are exported as stored, except those `omit`ted (secrets: hashes of passwords,
 * tokens and codes, keys sealed under this installation's master key) and those `open`ed:
 * protected fields sealed at rest leave as plain text, since the export is the centre's own
 * data leaving with it, and the sealing keys stay with this installation.
 */
export type TableExport =
  | {
      table: string
      how: 'centre' | 'centre_row' | 'accounts'
      /** Columns left out, each with why. */
      omit?: Readonly<Record<string, string>>
      /** Sealed columns exported opened, under the name given. */
      open?: Readonly<Record<string, SealedColumn>>
      /** Columns whose names look like secrets but are not (a content hash), with why. */
      plain?: Readonly<Record<string, string>>
    }
  | { table: string; how: 'audit' }
  | { table: string; how: 'left_out'; reason: string }

/** How a sealed column is opened, and the name its plain text goes under. */
export interface SealedColumn {
  as: string
  /** Under the family's key (a person's contact details), or the master key for a purpose. */
  sealedBy: 'family_key' | 'check_certificate'
}

const TOKEN = 'a one-time token: of use only on this installation, and a secret'

export const EXPORT_TABLES: readonly TableExport[] = [
  { table: 'centres', how: 'centre_row' },
  {
    table: 'families',
    how: 'centre',
    omit: {
      wrapped_key:
        "the family's key, sealed under this installation's master key: the contact details it opens are exported opened",
    },
    plain: { key_version: 'which version of the family key sealed its fields: a number' },
  },
  {
    table: 'people',
    how: 'centre',
    open: {
      address_ciphertext: { as: 'address', sealedBy: 'family_key' },
      phone_ciphertext: { as: 'phone', sealedBy: 'family_key' },
      email_ciphertext: { as: 'email', sealedBy: 'family_key' },
    },
  },
  { table: 'rooms', how: 'centre' },
  { table: 'contact_sessions', how: 'centre' },
  { table: 'agencies', how: 'centre' },
  { table: 'referrals', how: 'centre' },
  { table: 'referral_events', how: 'centre' },
  { table: 'session_people', how: 'centre' },
  { table: 'session_workers', how: 'centre' },
  {
    table: 'worker_checks',
    how: 'centre',
    open: {
      certificate_ciphertext: { as: 'certificate_reference', sealedBy: 'check_certificate' },
    },
  },
  { table: 'acquaintances', how: 'centre' },
  { table: 'assessments', how: 'centre' },
  { table: 'incidents', how: 'centre' },
  { table: 'guidance_requests', how: 'centre' },
  { table: 'policy_versions', how: 'centre', plain: { hash: "the policy's content hash" } },
  { table: 'policy_reviews', how: 'centre' },
  { table: 'policy_acknowledgements', how: 'centre' },
  { table: 'reveal_reasons', how: 'centre' },
  { table: 'consents', how: 'centre' },
  { table: 'consent_withdrawals', how: 'centre' },
  { table: 'disclosures', how: 'centre', plain: { policy_hash: "the policy's content hash" } },
  { table: 'subject_access_requests', how: 'centre' },
  { table: 'subject_access_pauses', how: 'centre' },
  { table: 'subject_access_withheld', how: 'centre' },
  { table: 'subject_access_releases', how: 'centre' },
  { table: 'disposal_runs', how: 'centre' },
  { table: 'disposal_items', how: 'centre' },
  { table: 'disposal_ledger', how: 'centre' },
  { table: 'reminder_days', how: 'centre' },
  { table: 'import_checks', how: 'centre' },
  { table: 'account_roles', how: 'centre' },
  { table: 'member_access_stops', how: 'centre' },
  {
    table: 'invitations',
    how: 'centre',
    omit: { token_hash: TOKEN, confirm_token_hash: TOKEN },
  },
  {
    table: 'accounts',
    how: 'accounts',
    omit: {
      password_hash: 'a password hash is a secret, and not the centre’s to hand on',
      totp_secret_ciphertext: 'a second-factor secret: each person sets up their own anew',
      totp_pending_ciphertext: 'a second-factor secret being set up',
      totp_last_step: 'a detail of the second factor, of use only with its secret',
    },
  },
  { table: 'audit_log', how: 'audit' },
  { table: 'audit_checkpoints', how: 'audit' },
  {
    table: 'auth_sessions',
    how: 'left_out',
    reason: 'sessions: their tokens are secrets, and every one ends when the centre leaves',
  },
  { table: 'password_resets', how: 'left_out', reason: `password reset links: ${TOKEN}` },
  { table: 'recovery_codes', how: 'left_out', reason: 'second-factor recovery codes: secrets' },
  {
    table: 'auth_attempts',
    how: 'left_out',
    reason: "guesses at signing in, keyed under this installation's key and of no centre",
  },
  {
    table: 'idempotency_keys',
    how: 'left_out',
    reason: 'answers kept a day for retried requests, sealed: of use only here (decision 0030)',
  },
  {
    table: 'outbox',
    how: 'left_out',
    reason:
      "messages to send or sent by this installation: their bodies carry one-time links (secrets), and the centre's next installation sends its own",
  },
  {
    table: 'search_keys',
    how: 'left_out',
    reason: "the centre's blind-index key, a secret: the next installation makes its own",
  },
  {
    table: 'family_search_terms',
    how: 'left_out',
    reason:
      "keyed hashes under the blind-index key, of no use without it: rebuilt from the families' names",
  },
  {
    table: 'key_check',
    how: 'left_out',
    reason: "the check of this installation's master key",
  },
  {
    table: 'haven_migrations',
    how: 'left_out',
    reason: "this installation's schema; the header names its newest migration",
  },
  { table: 'haven_migration_lock', how: 'left_out', reason: "this installation's migration lock" },
  {
    table: 'haven_versions',
    how: 'left_out',
    reason: "which Havens migrated this installation; the header names this Haven's version",
  },
]

/** The tables whose rows are exported, in the order they are written. */
export function exportedTables(): Extract<
  TableExport,
  { how: 'centre' | 'centre_row' | 'accounts' }
>[] {
  return EXPORT_TABLES.filter(
    (t): t is Extract<TableExport, { how: 'centre' | 'centre_row' | 'accounts' }> =>
      t.how === 'centre' || t.how === 'centre_row' || t.how === 'accounts',
  )
}

/** Column names that look like secrets: a column so named must be omitted, opened or plain. */
export const SECRET_LOOKING = /hash|token|secret|cipher|sealed|wrapped|key|password|code/
