import type { Db } from './database.ts'

export interface Room {
  id: string
  centreId: string
  name: string
}

export interface StoredContactSession {
  id: string
  centreId: string
  familyId: string
  roomId: string
  kind: string
  startsAt: string
  endsAt: string
  status: string
  createdAt: string
}

export async function insertRooms(db: Db, rooms: readonly Room[]): Promise<void> {
  if (rooms.length === 0) return
  await db
    .insertInto('rooms')
    .values(rooms.map((room) => ({ id: room.id, centre_id: room.centreId, name: room.name })))
    .execute()
}

/** Inserts in batches that stay under both engines' limits on bound parameters. */
export async function insertContactSessions(
  db: Db,
  sessions: readonly StoredContactSession[],
): Promise<void> {
  const batch = 500
  for (let start = 0; start < sessions.length; start += batch) {
    await db
      .insertInto('contact_sessions')
      .values(
        sessions.slice(start, start + batch).map((session) => ({
          id: session.id,
          centre_id: session.centreId,
          family_id: session.familyId,
          room_id: session.roomId,
          kind: session.kind,
          starts_at: session.startsAt,
          ends_at: session.endsAt,
          status: session.status,
          created_at: session.createdAt,
        })),
      )
      .execute()
  }
}

export async function countContactSessions(db: Db, centreId: string): Promise<number> {
  const row = await db
    .selectFrom('contact_sessions')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .where('centre_id', '=', centreId)
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

export interface SessionWithRoom {
  id: string
  familyId: string
  roomId: string
  room: string
  kind: string
  startsAt: string
  endsAt: string
  status: string
  version: number
}

/**
 * Sessions with their room names, earliest first: one session, one family's (optionally
 * within a window of wall-clock times), or every session in a window.
 */
export async function listSessions(
  db: Db,
  centreId: string,
  filter: { id?: string; familyId?: string; window?: { from: string; to: string } | undefined },
): Promise<SessionWithRoom[]> {
  let query = db
    .selectFrom('contact_sessions')
    .innerJoin('rooms', (join) =>
      join
        .onRef('rooms.id', '=', 'contact_sessions.room_id')
        .onRef('rooms.centre_id', '=', 'contact_sessions.centre_id'),
    )
    .select([
      'contact_sessions.id as id',
      'contact_sessions.family_id as family_id',
      'contact_sessions.room_id as room_id',
      'rooms.name as room',
      'contact_sessions.kind as kind',
      'contact_sessions.starts_at as starts_at',
      'contact_sessions.ends_at as ends_at',
      'contact_sessions.status as status',
      'contact_sessions.version as version',
    ])
    .where('contact_sessions.centre_id', '=', centreId)
  if (filter.id !== undefined) query = query.where('contact_sessions.id', '=', filter.id)
  if (filter.familyId !== undefined)
    query = query.where('contact_sessions.family_id', '=', filter.familyId)
  if (filter.window)
    query = query
      .where('contact_sessions.starts_at', '>=', filter.window.from)
      .where('contact_sessions.starts_at', '<=', filter.window.to)
  const rows = await query.orderBy('contact_sessions.starts_at').execute()
  return rows.map((row) => ({
    id: row.id,
    familyId: row.family_id,
    roomId: row.room_id,
    room: row.room,
    kind: row.kind,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    status: row.status,
    version: row.version,
  }))
}

export async function listSessionsOfFamily(
  db: Db,
  centreId: string,
  familyId: string,
  window?: { from: string; to: string },
): Promise<SessionWithRoom[]> {
  return listSessions(db, centreId, { familyId, window })
}

export async function listSessionsBetween(
  db: Db,
  centreId: string,
  window: { from: string; to: string },
): Promise<SessionWithRoom[]> {
  return listSessions(db, centreId, { window })
}

export async function findSession(
  db: Db,
  centreId: string,
  sessionId: string,
): Promise<SessionWithRoom | undefined> {
  return (await listSessions(db, centreId, { id: sessionId }))[0]
}

/** A family's sessions as an attendance statement needs them: times, status, anyone at the door. */
export async function attendanceFactsOfFamily(
  db: Db,
  centreId: string,
  familyId: string,
): Promise<{ startsAt: string; endsAt: string; status: string; hasArrival: boolean }[]> {
  const rows = await db
    .selectFrom('contact_sessions')
    .leftJoin('session_people', (join) =>
      join
        .onRef('session_people.session_id', '=', 'contact_sessions.id')
        .onRef('session_people.centre_id', '=', 'contact_sessions.centre_id')
        .on('session_people.arrived_at', 'is not', null),
    )
    .select(['contact_sessions.starts_at', 'contact_sessions.ends_at', 'contact_sessions.status'])
    .select((eb) => eb.fn.count<string | number>('session_people.person_id').as('arrivals'))
    .where('contact_sessions.centre_id', '=', centreId)
    .where('contact_sessions.family_id', '=', familyId)
    .groupBy([
      'contact_sessions.id',
      'contact_sessions.starts_at',
      'contact_sessions.ends_at',
      'contact_sessions.status',
    ])
    .orderBy('contact_sessions.starts_at')
    .execute()
  return rows.map((row) => ({
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    status: row.status,
    hasArrival: Number(row.arrivals) > 0,
  }))
}
