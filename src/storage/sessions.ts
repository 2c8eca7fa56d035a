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
