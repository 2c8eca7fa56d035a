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
  created_at: string
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
}

export interface KeyCheckRow {
  id: number
  /** A known value wrapped by the master key, to tell a wrong key at start-up. */
  wrapped_check: string
  created_at: string
}

export interface Tables {
  centres: CentreRow
  families: FamilyRow
  people: PersonRow
  rooms: RoomRow
  contact_sessions: ContactSessionRow
  key_check: KeyCheckRow
}
