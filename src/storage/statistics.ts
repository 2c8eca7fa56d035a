import type { Db } from './database.ts'

/**
 * What the quarterly return counts, read for one centre and one quarter (its first and last
 * day, UK dates; session times are wall-clock times at the centre). Counts and ids only: no
 * name, no contact detail is read.
 */
export async function readQuarterFacts(
  db: Db,
  centreId: string,
  quarter: { from: string; to: string },
): Promise<{
  sessions: {
    id: string
    familyId: string
    kind: string
    status: string
    startsAt: string
    endsAt: string
    workers: number
  }[]
  childrenSeen: number
  referrals: { source: string; status: string }[]
  firstSessions: { familyId: string; firstOn: string; receivedOn: string }[]
  workers: number
}> {
  const from = `${quarter.from}T00:00`
  const to = `${quarter.to}T23:59`
  const sessions = await db
    .selectFrom('contact_sessions as s')
    .select([
      's.id',
      's.family_id',
      's.kind',
      's.status',
      's.starts_at',
      's.ends_at',
      (eb) =>
        eb
          .selectFrom('session_workers as w')
          .select((w) => w.fn.countAll<string | number>().as('n'))
          .where('w.centre_id', '=', centreId)
          .whereRef('w.session_id', '=', 's.id')
          .as('workers'),
    ])
    .where('s.centre_id', '=', centreId)
    .where('s.starts_at', '>=', from)
    .where('s.starts_at', '<=', to)
    .execute()
  const children = await db
    .selectFrom('session_people as sp')
    .innerJoin('contact_sessions as s', (j) =>
      j.onRef('s.id', '=', 'sp.session_id').onRef('s.centre_id', '=', 'sp.centre_id'),
    )
    .innerJoin('people as p', (j) =>
      j.onRef('p.id', '=', 'sp.person_id').onRef('p.centre_id', '=', 'sp.centre_id'),
    )
    .select((eb) => eb.fn.count<string | number>('sp.person_id').distinct().as('n'))
    .where('sp.centre_id', '=', centreId)
    .where('p.kind', '=', 'child')
    .where('sp.arrived_at', 'is not', null)
    .where('s.starts_at', '>=', from)
    .where('s.starts_at', '<=', to)
    .executeTakeFirst()
  const referrals = await db
    .selectFrom('referrals as r')
    .leftJoin('agencies as a', (j) =>
      j.onRef('a.id', '=', 'r.agency_id').onRef('a.centre_id', '=', 'r.centre_id'),
    )
    .select(['r.status', 'a.kind as source'])
    .where('r.centre_id', '=', centreId)
    .where('r.received_on', '>=', quarter.from)
    .where('r.received_on', '<=', quarter.to)
    .execute()
  // Each family's first session that was not cancelled, and its earliest referral.
  const firsts = await db
    .selectFrom('contact_sessions as s')
    .select(['s.family_id', (eb) => eb.fn.min('s.starts_at').as('first')])
    .where('s.centre_id', '=', centreId)
    .where('s.status', '!=', 'cancelled')
    .groupBy('s.family_id')
    .having((eb) => eb.fn.min('s.starts_at'), '>=', from)
    .having((eb) => eb.fn.min('s.starts_at'), '<=', to)
    .execute()
  const received = new Map<string, string>()
  if (firsts.length > 0)
    for (const r of await db
      .selectFrom('referrals')
      .select(['family_id', (eb) => eb.fn.min('received_on').as('received')])
      .where('centre_id', '=', centreId)
      .where(
        'family_id',
        'in',
        firsts.map((f) => f.family_id),
      )
      .groupBy('family_id')
      .execute())
      received.set(r.family_id, r.received)
  const workers = await db
    .selectFrom('session_workers as w')
    .innerJoin('contact_sessions as s', (j) =>
      j.onRef('s.id', '=', 'w.session_id').onRef('s.centre_id', '=', 'w.centre_id'),
    )
    .select((eb) => eb.fn.count<string | number>('w.account_id').distinct().as('n'))
    .where('w.centre_id', '=', centreId)
    .where('s.status', '=', 'attended')
    .where('s.starts_at', '>=', from)
    .where('s.starts_at', '<=', to)
    .executeTakeFirst()
  return {
    sessions: sessions.map((s) => ({
      id: s.id,
      familyId: s.family_id,
      kind: s.kind,
      status: s.status,
      startsAt: s.starts_at,
      endsAt: s.ends_at,
      workers: Number(s.workers ?? 0),
    })),
    childrenSeen: Number(children?.n ?? 0),
    referrals: referrals.map((r) => ({ source: r.source ?? 'self', status: r.status })),
    firstSessions: firsts.flatMap((f) => {
      const on = received.get(f.family_id)
      return on === undefined
        ? []
        : [{ familyId: f.family_id, firstOn: f.first.slice(0, 10), receivedOn: on }]
    }),
    workers: Number(workers?.n ?? 0),
  }
}
