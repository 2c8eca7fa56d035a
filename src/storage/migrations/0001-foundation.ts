import type { Kysely } from 'kysely'

/**
 * Centres, families, people, rooms and contact sessions. Every tenant table carries
 * centre_id, and children reference their parent by (centre_id, id), so a row can never point
 * into another centre.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('centres')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('key_check')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('wrapped_check', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('families')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull().references('centres.id'))
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('wrapped_key', 'text', (c) => c.notNull())
    .addColumn('key_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_activity_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('families_centre_id_id_key', ['centre_id', 'id'])
    .addUniqueConstraint('families_centre_id_reference_key', ['centre_id', 'reference'])
    .execute()

  await db.schema
    .createTable('people')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('given_name', 'text', (c) => c.notNull())
    .addColumn('family_name', 'text', (c) => c.notNull())
    .addColumn('date_of_birth', 'text')
    .addColumn('address_ciphertext', 'text')
    .addColumn('phone_ciphertext', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('people_family_fk', ['centre_id', 'family_id'], 'families', [
      'centre_id',
      'id',
    ])
    .execute()

  await db.schema
    .createTable('rooms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull().references('centres.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addUniqueConstraint('rooms_centre_id_id_key', ['centre_id', 'id'])
    .execute()

  await db.schema
    .createTable('contact_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text', (c) => c.notNull())
    .addColumn('room_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('sessions_family_fk', ['centre_id', 'family_id'], 'families', [
      'centre_id',
      'id',
    ])
    .addForeignKeyConstraint('sessions_room_fk', ['centre_id', 'room_id'], 'rooms', [
      'centre_id',
      'id',
    ])
    .execute()

  await db.schema
    .createIndex('people_family_idx')
    .on('people')
    .columns(['centre_id', 'family_id'])
    .execute()
  await db.schema
    .createIndex('contact_sessions_starts_idx')
    .on('contact_sessions')
    .columns(['centre_id', 'starts_at'])
    .execute()
  await db.schema
    .createIndex('contact_sessions_family_idx')
    .on('contact_sessions')
    .columns(['centre_id', 'family_id'])
    .execute()
}
