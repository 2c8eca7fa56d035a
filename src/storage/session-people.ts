import type { Db } from './database.ts'

/** Who comes to a session and when: the separation plan, and what happened at the door. */
export interface SessionPerson {
  sessionId: string
  personId: string
  arrivesAt: string
  leavesAt: string
  waitingRoomId: string | undefined
  arrivedAt: string | undefined
  departedAt: string | undefined
}

export async function insertSessionPeople(
  db: Db,
  centreId: string,
  people: readonly SessionPerson[],
): Promise<void> {
  if (people.length === 0) return
  await db
    .insertInto('session_people')
    .values(
      people.map((p) => ({
        centre_id: centreId,
        session_id: p.sessionId,
        person_id: p.personId,
        arrives_at: p.arrivesAt,
        leaves_at: p.leavesAt,
        waiting_room_id: p.waitingRoomId ?? null,
        arrived_at: p.arrivedAt ?? null,
        departed_at: p.departedAt ?? null,
      })),
    )
    .execute()
}

export async function listSessionPeople(
  db: Db,
  centreId: string,
  sessionId: string,
): Promise<SessionPerson[]> {
  return (await listPeopleOfSessions(db, centreId, [sessionId])).get(sessionId) ?? []
}

/** The people planned at several sessions, by session, each in arrival order. */
export async function listPeopleOfSessions(
  db: Db,
  centreId: string,
  sessionIds: readonly string[],
): Promise<Map<string, SessionPerson[]>> {
  const bySession = new Map<string, SessionPerson[]>()
  if (sessionIds.length === 0) return bySession
  const rows = await db
    .selectFrom('session_people')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('session_id', 'in', [...sessionIds])
    .orderBy('arrives_at')
    .orderBy('person_id')
    .execute()
  for (const person of rows.map(toSessionPerson)) {
    const list = bySession.get(person.sessionId) ?? []
    list.push(person)
    bySession.set(person.sessionId, list)
  }
  return bySession
}

function toSessionPerson(row: {
  session_id: string
  person_id: string
  arrives_at: string
  leaves_at: string
  waiting_room_id: string | null
  arrived_at: string | null
  departed_at: string | null
}): SessionPerson {
  return {
    sessionId: row.session_id,
    personId: row.person_id,
    arrivesAt: row.arrives_at,
    leavesAt: row.leaves_at,
    waitingRoomId: row.waiting_room_id ?? undefined,
    arrivedAt: row.arrived_at ?? undefined,
    departedAt: row.departed_at ?? undefined,
  }
}

/** Records an arrival or a departure once; false when it was already recorded. */
export async function markAtDoor(
  db: Db,
  centreId: string,
  row: { sessionId: string; personId: string; at: string; what: 'arrived' | 'departed' },
): Promise<boolean> {
  const column = row.what === 'arrived' ? 'arrived_at' : 'departed_at'
  const result = await db
    .updateTable('session_people')
    .set({ [column]: row.at })
    .where('centre_id', '=', centreId)
    .where('session_id', '=', row.sessionId)
    .where('person_id', '=', row.personId)
    .where(column, 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Sets a session's status if it is still at the version the editor saw. */
export async function updateSessionStatus(
  db: Db,
  centreId: string,
  session: { id: string; version: number },
  change: { status: string; at: string; cancelledBy?: string | undefined },
): Promise<boolean> {
  const result = await db
    .updateTable('contact_sessions')
    .set((eb) => ({
      status: change.status,
      updated_at: change.at,
      ...(change.cancelledBy === undefined
        ? {}
        : { cancelled_by: change.cancelledBy, cancelled_at: change.at }),
      version: eb('version', '+', 1),
    }))
    .where('centre_id', '=', centreId)
    .where('id', '=', session.id)
    .where('version', '=', session.version)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function findRoom(
  db: Db,
  centreId: string,
  roomId: string,
): Promise<{ id: string; name: string } | undefined> {
  return db
    .selectFrom('rooms')
    .select(['id', 'name'])
    .where('centre_id', '=', centreId)
    .where('id', '=', roomId)
    .executeTakeFirst()
}

export async function listRooms(db: Db, centreId: string): Promise<{ id: string; name: string }[]> {
  return db
    .selectFrom('rooms')
    .select(['id', 'name'])
    .where('centre_id', '=', centreId)
    .orderBy('name')
    .execute()
}

/**
 * Renames a room if it still has the name the editor saw; false when it is gone or someone
 * renamed it first (the newer name stays).
 */
export async function renameStoredRoom(
  db: Db,
  room: { centreId: string; id: string; heldName: string },
  name: string,
): Promise<boolean> {
  const result = await db
    .updateTable('rooms')
    .set({ name })
    .where('centre_id', '=', room.centreId)
    .where('id', '=', room.id)
    .where('name', '=', room.heldName)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Replaces a session's plan (who comes when) in the caller's transaction. */
export async function replaceSessionPeople(
  db: Db,
  centreId: string,
  sessionId: string,
  people: readonly SessionPerson[],
): Promise<void> {
  await db
    .deleteFrom('session_people')
    .where('centre_id', '=', centreId)
    .where('session_id', '=', sessionId)
    .execute()
  await insertSessionPeople(db, centreId, people)
}
