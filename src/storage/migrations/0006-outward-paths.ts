import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely'

/** The tables this migration adds that belong to one centre, under row-level security. */
export const OUTWARD_TABLES = [
  'consents',
  'consent_withdrawals',
  'disclosures',
  'subject_access_requests',
  'subject_access_pauses',
  'subject_access_withheld',
  'disposal_runs',
  'disposal_items',
  'disposal_ledger',
] as const

type Column = [
  string,
  'text' | 'integer',
  ((c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder)?,
]
const required = (c: ColumnDefinitionBuilder) => c.notNull()

/**
 * The policy's outward paths (issue 6): consent given and withdrawn (CONTACT), the disclosure
 * register (ATTEND, NOREPORT, CONTACT, EXCEPT), subject access requests with their pauses and
 * withheld items (SAR), and disposal runs, their items and the disposal ledger (RETAIN).
 * Consents and withdrawals are events: a trigger refuses to change one (a withdrawal is a new
 * row, never an edit); only disposal removes them. The ledger is never changed either.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const create = async (table: string, columns: Column[]): Promise<void> => {
    let builder = db.schema.createTable(table)
    for (const [name, type, build] of columns) builder = builder.addColumn(name, type, build)
    await builder.execute()
  }
  const id: Column = ['id', 'text', (c) => c.primaryKey()]
  const centre: Column = ['centre_id', 'text', required]

  await db.schema.alterTable('families').addColumn('disposed_on', 'text').execute()
  await db.schema.alterTable('families').addColumn('legal_hold_reason', 'text').execute()

  await create('consents', [
    id,
    centre,
    ['family_id', 'text', required],
    ['person_id', 'text', required],
    ['category', 'text', required],
    ['recipient_kind', 'text', required],
    /** The named recipient ("Hollis & Co Solicitors", "Ashbury GP surgery"). */
    ['recipient_name', 'text', required],
    ['purpose', 'text', required],
    /** How it was given: written, verbal, in_haven. */
    ['evidence', 'text', required],
    ['evidence_reference', 'text'],
    ['given_on', 'text', required],
    ['expires_on', 'text'],
    ['recorded_by', 'text'],
    ['recorded_at', 'text', required],
  ])
  await create('consent_withdrawals', [
    id,
    centre,
    ['consent_id', 'text', required],
    ['family_id', 'text', required],
    ['withdrawn_on', 'text', required],
    ['evidence', 'text', required],
    ['recorded_by', 'text'],
    ['recorded_at', 'text', required],
  ])

  await create('disclosures', [
    id,
    centre,
    ['family_id', 'text', required],
    /** Whose data it is, where the category is a person's (contact details). */
    ['subject_person_id', 'text'],
    /** request (from or for an agency), exception (EXCEPT), law (required by law). */
    ['route', 'text', required],
    ['agency_id', 'text'],
    ['requested_by', 'text'],
    /** JSON: the requester's roles when they asked, which the decision is made for. */
    ['requester_roles', 'text', required],
    ['recipient_kind', 'text', required],
    ['recipient_name', 'text', required],
    ['category', 'text', required],
    ['purpose', 'text', required],
    ['at_risk', 'text'],
    /** The safeguarding concern an exception disclosure answers. */
    ['concern_id', 'text'],
    ['reason', 'text'],
    ['legal_basis', 'text'],
    ['period_from', 'text'],
    ['period_to', 'text'],
    /** awaiting_confirmation, awaiting_sign_off, refused, released, withdrawn */
    ['status', 'text', required],
    ['consent_id', 'text'],
    /** live, none, withdrawn, expired, not_needed */
    ['consent_state', 'text', required],
    ['decision_effect', 'text', required],
    ['decision_clauses', 'text', required],
    ['decision_reasons', 'text', required],
    ['policy_version', 'integer', required],
    ['policy_hash', 'text', required],
    ['requested_at', 'text', required],
    ['authorised_by', 'text'],
    ['second_sign_off_by', 'text'],
    ['second_sign_off_at', 'text'],
    ['decided_by', 'text'],
    ['decided_at', 'text'],
    /** JSON: what left the centre (counts and kinds, never the values). */
    ['released_what', 'text'],
    ['released_by', 'text'],
    ['released_at', 'text'],
    /** 1 told, 0 not told (with the reason), null not yet recorded. */
    ['person_told', 'integer'],
    ['not_told_reason', 'text'],
    ['version', 'integer', (c) => c.notNull().defaultTo(1)],
  ])

  await create('subject_access_requests', [
    id,
    centre,
    ['family_id', 'text', required],
    ['person_id', 'text', required],
    ['requested_by', 'text'],
    ['received_on', 'text', required],
    /** awaiting, verified */
    ['identity_status', 'text', required],
    ['identity_method', 'text'],
    ['identity_checked_by', 'text'],
    ['identity_checked_on', 'text'],
    ['extension_months', 'integer', (c) => c.notNull().defaultTo(0)],
    ['extension_reason', 'text'],
    /** open, completed, refused */
    ['status', 'text', required],
    ['completed_on', 'text'],
    ['completed_by', 'text'],
    ['created_at', 'text', required],
    ['version', 'integer', (c) => c.notNull().defaultTo(1)],
  ])
  await create('subject_access_pauses', [
    id,
    centre,
    ['request_id', 'text', required],
    /** identity, clarification */
    ['reason', 'text', required],
    ['from_on', 'text', required],
    ['to_on', 'text'],
  ])
  await create('subject_access_withheld', [
    id,
    centre,
    ['request_id', 'text', required],
    /** What kind of item, and which record (an id, never its content). */
    ['item', 'text', required],
    ['record_id', 'text'],
    ['ground', 'text', required],
    ['clause', 'text', required],
    ['recorded_at', 'text', required],
  ])

  await create('disposal_runs', [
    id,
    centre,
    /** The day the run judged what was due. */
    ['as_of', 'text', required],
    /** awaiting_approval, completed, superseded */
    ['status', 'text', required],
    ['policy_version', 'integer', required],
    ['is_automatic', 'integer', required],
    ['planned_at', 'text', required],
    ['approved_by', 'text'],
    ['approved_role', 'text'],
    ['approved_at', 'text'],
    ['completed_at', 'text'],
    /** JSON certificate: counts by category, kept counts, clause; no personal data. */
    ['certificate', 'text'],
  ])
  await create('disposal_items', [
    id,
    centre,
    ['run_id', 'text', required],
    /** family, or a record standing alone: accident, incident, guidance */
    ['item_kind', 'text', required],
    ['item_id', 'text', required],
    ['last_used_on', 'text', required],
    ['due_on', 'text', required],
    /** JSON: counts of the records due, by category. */
    ['counts', 'text', required],
    /** disposed, skipped */
    ['outcome', 'text'],
  ])
  await create('disposal_ledger', [
    id,
    centre,
    ['run_id', 'text', required],
    ['item_kind', 'text', required],
    ['item_id', 'text', required],
    ['categories', 'text', required],
    ['disposed_at', 'text', required],
  ])

  for (const [name, table, columns] of [
    ['consents_family_idx', 'consents', ['centre_id', 'family_id']],
    ['consent_withdrawals_idx', 'consent_withdrawals', ['centre_id', 'consent_id']],
    ['disclosures_family_idx', 'disclosures', ['centre_id', 'family_id']],
    ['disclosures_requested_idx', 'disclosures', ['centre_id', 'requested_at']],
    ['sar_family_idx', 'subject_access_requests', ['centre_id', 'family_id']],
    ['sar_pauses_idx', 'subject_access_pauses', ['centre_id', 'request_id']],
    ['sar_withheld_idx', 'subject_access_withheld', ['centre_id', 'request_id']],
    ['disposal_items_run_idx', 'disposal_items', ['centre_id', 'run_id']],
    ['disposal_ledger_idx', 'disposal_ledger', ['centre_id', 'disposed_at']],
    ['families_activity_idx', 'families', ['centre_id', 'last_activity_at']],
    ['incidents_family_idx', 'incidents', ['centre_id', 'family_id']],
    ['guidance_family_idx', 'guidance_requests', ['centre_id', 'family_id']],
    ['assessments_family_idx', 'assessments', ['centre_id', 'family_id']],
    ['session_people_session_idx', 'session_people', ['centre_id', 'session_id']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on(table)
      .columns([...columns])
      .execute()
  }

  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  for (const table of ['consents', 'consent_withdrawals', 'disposal_ledger']) {
    if (isPostgres) {
      await sql`create trigger ${sql.raw(`${table}_no_update`)} before update on ${sql.table(table)}
        for each row execute function haven_refuse_change()`.execute(db)
    } else {
      await sql`create trigger ${sql.raw(`${table}_no_update`)} before update on ${sql.table(table)}
        begin select raise(abort, 'these rows are events: never changed'); end`.execute(db)
    }
  }
  if (isPostgres) {
    for (const table of OUTWARD_TABLES) {
      await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
      await sql`alter table ${sql.table(table)} force row level security`.execute(db)
      await sql`create policy centre_isolation on ${sql.table(table)}
        using (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
        with check (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))`.execute(
        db,
      )
    }
  }
}
