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

/** A session that is not cancelled and overlaps a time being booked. */
export interface OverlappingSession {
  id: string
  room: string
  startsAt: string
  endsAt: string
}

/**
 * The sessions, not cancelled, that overlap the wall-clock times [from, to) in a room, of a
 * family, or worked by a worker (one of the three), other than `exceptSessionId`. Only
 * sessions starting after `startsAfter` are looked at, so that an index range finds them:
 * the caller passes a moment no session that overlaps can start before (the longest session
 * Haven books, before `from`). Run inside the centre's one writer (`inCentre`), so nothing
 * can be booked between this check and the write that follows it (decision 0032).
 */
export async function sessionsOverlapping(
  db: Db,
  centreId: string,
  filter: ({ roomId: string } | { familyId: string } | { workerId: string }) & {
    from: string
    to: string
    startsAfter: string
    exceptSessionId?: string | undefined
  },
): Promise<OverlappingSession[]> {
  let query = db
    .selectFrom('contact_sessions')
    .innerJoin('rooms', (join) =>
      join
        .onRef('rooms.id', '=', 'contact_sessions.room_id')
        .onRef('rooms.centre_id', '=', 'contact_sessions.centre_id'),
    )
    .select([
      'contact_sessions.id as id',
      'rooms.name as room',
      'contact_sessions.starts_at as starts_at',
      'contact_sessions.ends_at as ends_at',
    ])
    .where('contact_sessions.centre_id', '=', centreId)
    .where('contact_sessions.status', '!=', 'cancelled')
    .where('contact_sessions.starts_at', '>', filter.startsAfter)
    .where('contact_sessions.starts_at', '<', filter.to)
    .where('contact_sessions.ends_at', '>', filter.from)
  if ('roomId' in filter) query = query.where('contact_sessions.room_id', '=', filter.roomId)
  if ('familyId' in filter) query = query.where('contact_sessions.family_id', '=', filter.familyId)
  if ('workerId' in filter) {
    const { workerId } = filter
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('session_workers')
          .select('session_workers.session_id')
          .whereRef('session_workers.session_id', '=', 'contact_sessions.id')
          .whereRef('session_workers.centre_id', '=', 'contact_sessions.centre_id')
          .where('session_workers.account_id', '=', workerId),
      ),
    )
  }
  if (filter.exceptSessionId !== undefined)
    query = query.where('contact_sessions.id', '!=', filter.exceptSessionId)
  const rows = await query.orderBy('contact_sessions.starts_at').execute()
  return rows.map((row) => ({
    id: row.id,
    room: row.room,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
  }))
}

/** A person of a plan who is due at another session (not cancelled) at a time that overlaps. */
export interface PersonElsewhere {
  /** The person of the plan: the same record, or another record linked to the same account. */
  personId: string
  sessionId: string
  room: string
  arrivesAt: string
  leavesAt: string
}

/**
 * Where the people of a plan are already due, at times overlapping their own, at sessions
 * other than `exceptSessionId` that are not cancelled. A person is found by their record and
 * by every other record linked to the same account (a parent of children in two families).
 * Run inside the centre's one writer (`inCentre`; decision 0032).
 */
export async function peopleDueElsewhere(
  db: Db,
  centreId: string,
  plan: readonly { personId: string; arrivesAt: string; leavesAt: string }[],
  exceptSessionId?: string,
): Promise<PersonElsewhere[]> {
  if (plan.length === 0) return []
  const planIds = plan.map((p) => p.personId)
  const accounts = await db
    .selectFrom('people')
    .select(['id', 'account_id'])
    .where('centre_id', '=', centreId)
    .where('id', 'in', planIds)
    .where('account_id', 'is not', null)
    .execute()
  const planPersonOf = new Map(planIds.map((id) => [id, id]))
  const accountIds = accounts.flatMap((a) => (a.account_id === null ? [] : [a.account_id]))
  if (accountIds.length > 0) {
    const planPersonOfAccount = new Map(accounts.map((a) => [a.account_id, a.id]))
    const sameAccounts = await db
      .selectFrom('people')
      .select(['id', 'account_id'])
      .where('centre_id', '=', centreId)
      .where('account_id', 'in', accountIds)
      .execute()
    for (const record of sameAccounts) {
      const planPerson = planPersonOfAccount.get(record.account_id)
      if (planPerson !== undefined && !planPersonOf.has(record.id))
        planPersonOf.set(record.id, planPerson)
    }
  }
  const earliest = plan.reduce(
    (a, p) => (p.arrivesAt < a ? p.arrivesAt : a),
    plan[0]?.arrivesAt ?? '',
  )
  const latest = plan.reduce((a, p) => (p.leavesAt > a ? p.leavesAt : a), '')
  let query = db
    .selectFrom('session_people')
    .innerJoin('contact_sessions', (join) =>
      join
        .onRef('contact_sessions.id', '=', 'session_people.session_id')
        .onRef('contact_sessions.centre_id', '=', 'session_people.centre_id'),
    )
    .innerJoin('rooms', (join) =>
      join
        .onRef('rooms.id', '=', 'contact_sessions.room_id')
        .onRef('rooms.centre_id', '=', 'contact_sessions.centre_id'),
    )
    .select([
      'session_people.person_id as person_id',
      'session_people.session_id as session_id',
      'session_people.arrives_at as arrives_at',
      'session_people.leaves_at as leaves_at',
      'rooms.name as room',
    ])
    .where('session_people.centre_id', '=', centreId)
    .where('session_people.person_id', 'in', [...planPersonOf.keys()])
    .where('session_people.arrives_at', '<', latest)
    .where('session_people.leaves_at', '>', earliest)
    .where('contact_sessions.status', '!=', 'cancelled')
  if (exceptSessionId !== undefined)
    query = query.where('session_people.session_id', '!=', exceptSessionId)
  const rows = await query.orderBy('session_people.arrives_at').execute()
  const times = new Map(plan.map((p) => [p.personId, p]))
  return rows.flatMap((row) => {
    const personId = planPersonOf.get(row.person_id)
    const own = personId === undefined ? undefined : times.get(personId)
    if (personId === undefined || !own) return []
    if (!(row.arrives_at < own.leavesAt && own.arrivesAt < row.leaves_at)) return []
    return [
      {
        personId,
        sessionId: row.session_id,
        room: row.room,
        arrivesAt: row.arrives_at,
        leavesAt: row.leaves_at,
      },
    ]
  })
}
