import { addDays, dayOfWeek } from './calendar.ts'
import { seededRandom, type SeededRandom } from './random.ts'
import { FAMILY_NAMES, GIVEN_NAMES, ROOM_NAMES, STREETS, TOWNS } from './synthetic-names.ts'

export type DemoPersonKind = 'resident_parent' | 'non_resident_parent' | 'child'
export type SessionKind = 'supported' | 'supervised' | 'handover'
export type SessionStatus = 'booked' | 'attended' | 'cancelled' | 'did_not_attend'

export interface DemoPerson {
  kind: DemoPersonKind
  givenName: string
  familyName: string
  dateOfBirth: string | undefined
  address: string | undefined
  phone: string | undefined
}

export interface DemoFamily {
  reference: string
  people: DemoPerson[]
}

export interface DemoSession {
  familyIndex: number
  roomIndex: number
  kind: SessionKind
  /** Wall-clock time at the centre, YYYY-MM-DDTHH:MM. */
  startsAt: string
  endsAt: string
  status: SessionStatus
}

export interface DemoCentrePlan {
  name: string
  slug: string
  rooms: string[]
  families: DemoFamily[]
  sessions: DemoSession[]
}

export interface DemoCentreOptions {
  seed: number
  /** The day the demo is made, YYYY-MM-DD: sessions before it are past, the rest booked. */
  today: string
  familyCount?: number
  weeksBack?: number
  weeksAhead?: number
  slug?: string
}

/** The letters a UK inward code may end with. */
const INWARD_LETTERS = [
  'A',
  'B',
  'D',
  'E',
  'F',
  'G',
  'H',
  'J',
  'L',
  'N',
  'P',
  'Q',
  'R',
  'S',
  'T',
  'U',
  'W',
  'X',
  'Y',
  'Z',
] as const

const SATURDAY_SLOTS = [
  ['10:00', '12:00'],
  ['13:00', '15:00'],
] as const
const WEEKDAY_SLOTS = [
  ['16:00', '17:00'],
  ['17:15', '18:15'],
] as const

/**
 * Plans a demo centre of synthetic British families and a few months of sessions: supported
 * contact every Saturday (each family fortnightly) and weekly supervised contact on weekdays. Pure
 * and deterministic: the same options give the same plan.
 */
export function planDemoCentre(options: DemoCentreOptions): DemoCentrePlan {
  const random = seededRandom(options.seed)
  const familyCount = options.familyCount ?? 24
  const families = Array.from({ length: familyCount }, (_, index) =>
    planFamily(random, index, options.today),
  )
  // A bigger centre has more rooms: each room takes 14 families a fortnight (see planSessions).
  const roomCount = Math.max(ROOM_NAMES.length, Math.ceil(familyCount / 12))
  const rooms = Array.from({ length: roomCount }, (_, i) => ROOM_NAMES[i] ?? `Room ${i + 1}`)
  const sessions = planSessions(random, options, familyCount, rooms.length)
  return {
    name: 'Demo Contact Centre (synthetic data)',
    slug: options.slug ?? 'demo',
    rooms,
    families,
    sessions,
  }
}

function planFamily(random: SeededRandom, index: number, today: string): DemoFamily {
  const residentName = random.pick(FAMILY_NAMES)
  const otherName = random.chance(0.6) ? random.pick(FAMILY_NAMES) : residentName
  const childCount = random.integer(1, 3)
  const resident = adult(random, 'resident_parent', residentName)
  const other = adult(random, 'non_resident_parent', otherName)
  const people: DemoPerson[] = [
    resident,
    { ...other, givenName: unusedName(other.givenName, [resident.givenName]) },
  ]
  for (let child = 0; child < childCount; child += 1) {
    const ageDays = random.integer(2 * 365, 14 * 365)
    people.push({
      kind: 'child',
      givenName: unusedName(
        random.pick(GIVEN_NAMES),
        people.map((p) => p.givenName),
      ),
      familyName: residentName,
      dateOfBirth: addDays(today, -ageDays),
      address: undefined,
      phone: undefined,
    })
  }
  return { reference: `DEMO-${String(index + 1).padStart(4, '0')}`, people }
}

/** The name, or the next one in the list that nobody in the family has: siblings differ. */
function unusedName(name: string, taken: readonly string[]): string {
  let index = (GIVEN_NAMES as readonly string[]).indexOf(name)
  while (taken.includes(GIVEN_NAMES[index] ?? name)) index = (index + 1) % GIVEN_NAMES.length
  return GIVEN_NAMES[index] ?? name
}

function adult(random: SeededRandom, kind: DemoPersonKind, familyName: string): DemoPerson {
  return {
    kind,
    givenName: random.pick(GIVEN_NAMES),
    familyName,
    dateOfBirth: undefined,
    address: syntheticAddress(random),
    phone: syntheticPhone(random),
  }
}

/** A made-up address: invented street and town, postcode area starting Q (unused in the UK). */
export function syntheticAddress(random: SeededRandom): string {
  const inward = `${random.integer(1, 9)}${random.pick(INWARD_LETTERS)}${random.pick(INWARD_LETTERS)}`
  const outward = `Q${random.pick(['A', 'B', 'C', 'D', 'E'])}${random.integer(1, 29)}`
  return `${random.integer(1, 180)} ${random.pick(STREETS)}, ${random.pick(TOWNS)} ${outward} ${inward}`
}

/** A phone number from Ofcom's drama ranges: 07700 900xxx (mobile) or 01632 960xxx. */
export function syntheticPhone(random: SeededRandom): string {
  const tail = String(random.integer(0, 999)).padStart(3, '0')
  return random.chance(0.8) ? `07700 900${tail}` : `01632 960${tail}`
}

function planSessions(
  random: SeededRandom,
  options: DemoCentreOptions,
  familyCount: number,
  roomCount: number,
): DemoSession[] {
  const weeksBack = options.weeksBack ?? 10
  const weeksAhead = options.weeksAhead ?? 4
  const saturdaySlots = roomCount * SATURDAY_SLOTS.length
  const onSaturdays = Math.min(familyCount, saturdaySlots * 2)
  const sessions: DemoSession[] = []
  const first = addDays(options.today, -weeksBack * 7)
  const days = (weeksBack + weeksAhead) * 7
  for (let offset = 0; offset < days; offset += 1) {
    const date = addDays(first, offset)
    const weekday = dayOfWeek(date)
    const week = Math.floor(offset / 7)
    const isPast = date < options.today
    if (weekday === 6) {
      for (let family = week % 2; family < onSaturdays; family += 2) {
        const slot = Math.floor(family / 2) % saturdaySlots
        const [start, end] = SATURDAY_SLOTS[slot % SATURDAY_SLOTS.length] ?? SATURDAY_SLOTS[0]
        const room = Math.floor(slot / SATURDAY_SLOTS.length) % roomCount
        const kind: SessionKind = family % 5 === 4 ? 'handover' : 'supported'
        sessions.push(session(random, family, room, kind, date, start, end, isPast))
      }
    } else if (weekday >= 1 && weekday <= 5) {
      // Supervised contact, weekly, for the families Saturdays have no room for: each weekday
      // takes roomCount × 2 of them, Monday first.
      const perDay = roomCount * WEEKDAY_SLOTS.length
      for (let family = onSaturdays; family < familyCount; family += 1) {
        const index = family - onSaturdays
        if ((Math.floor(index / perDay) % 5) + 1 !== weekday) continue
        const slot = index % perDay
        const [start, end] = WEEKDAY_SLOTS[slot % WEEKDAY_SLOTS.length] ?? WEEKDAY_SLOTS[0]
        const room = Math.floor(slot / WEEKDAY_SLOTS.length)
        sessions.push(session(random, family, room, 'supervised', date, start, end, isPast))
      }
    }
  }
  return sessions
}

function session(
  random: SeededRandom,
  familyIndex: number,
  roomIndex: number,
  kind: SessionKind,
  date: string,
  start: string,
  end: string,
  isPast: boolean,
): DemoSession {
  const roll = random.next()
  const status: SessionStatus = !isPast
    ? 'booked'
    : roll < 0.85
      ? 'attended'
      : roll < 0.93
        ? 'cancelled'
        : 'did_not_attend'
  return {
    familyIndex,
    roomIndex,
    kind,
    startsAt: `${date}T${start}`,
    endsAt: `${date}T${end}`,
    status,
  }
}
