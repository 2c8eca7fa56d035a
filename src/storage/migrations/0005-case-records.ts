import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely'

/** The tables this migration adds that belong to one centre, under row-level security. */
export const CASE_TABLES = [
  'agencies',
  'referrals',
  'referral_events',
  'session_people',
  'session_workers',
  'worker_checks',
  'acquaintances',
  'assessments',
  'incidents',
  'guidance_requests',
  'policy_acknowledgements',
  'reveal_reasons',
] as const

/**
 * Case records (issue 5): referring agencies and referrals with their lifecycle; people's
 * relationship to the children, parental responsibility, e-mail and the named-people list;
 * the separation requirement; who comes to each session and when (staggered), who works it;
 * workers' checks and declared acquaintances; assessments on the premises; the accident
 * book, incidents and safeguarding concerns; guidance requests; policy acknowledgements.
 * Every editable record carries a version for optimistic concurrency (a stale edit is a
 * conflict, never a silent overwrite).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const addColumns = async (
    table: string,
    columns: [
      string,
      'text' | 'integer',
      ((c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder)?,
    ][],
  ): Promise<void> => {
    for (const [name, type, build] of columns) {
      await db.schema
        .alterTable(table)
        .addColumn(name, type, build ?? ((c) => c))
        .execute()
    }
  }

  await addColumns('centres', [['stagger_minutes', 'integer', (c) => c.notNull().defaultTo(15)]])
  await addColumns('families', [
    ['version', 'integer', (c) => c.notNull().defaultTo(1)],
    ['updated_at', 'text'],
    ['is_separation_required', 'integer', (c) => c.notNull().defaultTo(0)],
    /** JSON array of short codes a worker at the door must know ("no_photographs"). */
    ['safety_flags', 'text', (c) => c.notNull().defaultTo('[]')],
    ['is_on_legal_hold', 'integer', (c) => c.notNull().defaultTo(0)],
  ])
  await addColumns('people', [
    ['version', 'integer', (c) => c.notNull().defaultTo(1)],
    ['updated_at', 'text'],
    /** How an adult relates to the children: mother, father, grandparent... */
    ['relationship', 'text'],
    ['has_parental_responsibility', 'integer', (c) => c.notNull().defaultTo(0)],
    /** On the named-people list: may be admitted at the door. */
    ['may_attend', 'integer', (c) => c.notNull().defaultTo(0)],
    ['email_ciphertext', 'text'],
    /** The parent's own Haven account, when they have been invited. */
    ['account_id', 'text'],
  ])
  await addColumns('contact_sessions', [
    ['version', 'integer', (c) => c.notNull().defaultTo(1)],
    ['updated_at', 'text'],
    ['cancelled_by', 'text'],
    ['cancelled_at', 'text'],
    ['booked_by', 'text'],
  ])
  await addColumns('account_roles', [['agency_id', 'text']])

  await db.schema
    .createTable('agencies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull().references('centres.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('agencies_centre_id_id_key', ['centre_id', 'id'])
    .addUniqueConstraint('agencies_centre_kind_name_key', ['centre_id', 'kind', 'name'])
    .execute()

  await db.schema
    .createTable('referrals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text', (c) => c.notNull())
    /** Null for a self-referral. */
    .addColumn('agency_id', 'text')
    .addColumn('referred_by', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('received_on', 'text', (c) => c.notNull())
    .addColumn('children_live_with', 'text')
    .addColumn('court_order', 'text')
    .addColumn('availability', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('referrals_family_fk', ['centre_id', 'family_id'], 'families', [
      'centre_id',
      'id',
    ])
    .addUniqueConstraint('referrals_centre_id_id_key', ['centre_id', 'id'])
    .execute()

  await db.schema
    .createTable('referral_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('referral_id', 'text', (c) => c.notNull())
    .addColumn('from_status', 'text')
    .addColumn('to_status', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('by_account', 'text')
    .addForeignKeyConstraint(
      'referral_events_referral_fk',
      ['centre_id', 'referral_id'],
      'referrals',
      ['centre_id', 'id'],
    )
    .execute()

  await db.schema
    .createTable('session_people')
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('arrives_at', 'text', (c) => c.notNull())
    .addColumn('leaves_at', 'text', (c) => c.notNull())
    .addColumn('waiting_room_id', 'text')
    .addColumn('arrived_at', 'text')
    .addColumn('departed_at', 'text')
    .addPrimaryKeyConstraint('session_people_pk', ['session_id', 'person_id'])
    .execute()

  await db.schema
    .createTable('session_workers')
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('session_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addColumn('assigned_by', 'text')
    .addPrimaryKeyConstraint('session_workers_pk', ['session_id', 'account_id'])
    .execute()

  await db.schema
    .createTable('worker_checks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    /** The certificate reference, sealed under the master key for this check. */
    .addColumn('certificate_ciphertext', 'text')
    .addColumn('issued_on', 'text', (c) => c.notNull())
    .addColumn('renewal_due_on', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()

  await db.schema
    .createTable('acquaintances')
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('declared_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('acquaintances_pk', ['account_id', 'family_id'])
    .execute()

  await db.schema
    .createTable('assessments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('assessor', 'text', (c) => c.notNull())
    .addColumn('place', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text')
    .addColumn('approved_role', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('booked_at', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    /** accident | incident | safeguarding_concern | door_override */
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text')
    .addColumn('session_id', 'text')
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('raised_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()

  await db.schema
    .createTable('guidance_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text')
    .addColumn('asked_by', 'text', (c) => c.notNull())
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('answered_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('answered_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()

  await db.schema
    .createTable('policy_acknowledgements')
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('policy_acknowledgements_pk', ['centre_id', 'account_id', 'version'])
    .execute()

  /** Why someone revealed contact details (CONTACT): kept with the family, not in the log. */
  await db.schema
    .createTable('reveal_reasons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('person_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('seq', 'integer', (c) => c.primaryKey())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute()

  for (const [name, table, columns] of [
    ['referrals_family_idx', 'referrals', ['centre_id', 'family_id']],
    ['referrals_agency_idx', 'referrals', ['centre_id', 'agency_id']],
    ['referral_events_idx', 'referral_events', ['centre_id', 'referral_id']],
    ['session_people_person_idx', 'session_people', ['centre_id', 'person_id']],
    ['session_workers_account_idx', 'session_workers', ['centre_id', 'account_id']],
    ['worker_checks_account_idx', 'worker_checks', ['centre_id', 'account_id']],
    ['incidents_centre_idx', 'incidents', ['centre_id', 'kind', 'occurred_at']],
    ['guidance_requests_idx', 'guidance_requests', ['centre_id', 'created_at']],
    ['reveal_reasons_family_idx', 'reveal_reasons', ['centre_id', 'family_id']],
  ] as const) {
    await db.schema
      .createIndex(name)
      .on(table)
      .columns([...columns])
      .execute()
  }

  await protectAuditLog(db)
  await isolateCentres(db)
}

/**
 * The audit log and its checkpoints are append-only on both engines: a trigger refuses
 * every update and delete, whoever asks (PostgreSQL's function comes from 0004).
 */
async function protectAuditLog(db: Kysely<unknown>): Promise<void> {
  for (const table of ['audit_log', 'audit_checkpoints']) {
    if (db.getExecutor().adapter instanceof PostgresAdapter) {
      await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
        for each row execute function haven_refuse_change()`.execute(db)
    } else {
      await sql`create trigger ${sql.raw(`${table}_no_update`)} before update on ${sql.table(table)}
        begin select raise(abort, 'the audit log is append-only'); end`.execute(db)
      await sql`create trigger ${sql.raw(`${table}_no_delete`)} before delete on ${sql.table(table)}
        begin select raise(abort, 'the audit log is append-only'); end`.execute(db)
    }
  }
}

/** Row-level security on the new centre tables, as 0003 set it on the first ones. */
async function isolateCentres(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  for (const table of CASE_TABLES) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
    await sql`alter table ${sql.table(table)} force row level security`.execute(db)
    await sql`
      create policy centre_isolation on ${sql.table(table)}
      using (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
      with check (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
    `.execute(db)
  }
}
