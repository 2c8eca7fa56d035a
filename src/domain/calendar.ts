/**
 * Calendar dates as YYYY-MM-DD strings, computed in UTC so that no time zone or daylight
 * saving change can shift a day. Session times are wall-clock times at the centre
 * (YYYY-MM-DDTHH:MM), because "Saturday at ten" stays ten o'clock across the clock change.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

export function isIsoDate(value: string): boolean {
  const match = DATE.exec(value)
  if (!match) return false
  const [, y, m, d] = match
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)))
  return date.toISOString().slice(0, 10) === value
}

export function addDays(date: string, days: number): string {
  const value = parse(date)
  value.setUTCDate(value.getUTCDate() + days)
  return value.toISOString().slice(0, 10)
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: string): number {
  return parse(date).getUTCDay()
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parse(to).getTime() - parse(from).getTime()) / 86_400_000)
}

function parse(date: string): Date {
  if (!isIsoDate(date)) throw new RangeError(`not a calendar date: ${date}`)
  return new Date(`${date}T00:00:00Z`)
}

/**
 * The same day some months later; when that month is shorter, its last day
 * (31 January + 1 month = 28 or 29 February), as UK GDPR's "one calendar month" is read.
 */
export function addMonths(date: string, months: number): string {
  const value = parse(date)
  const day = value.getUTCDate()
  const target = new Date(Date.UTC(value.getUTCFullYear(), value.getUTCMonth() + months, 1))
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate()
  target.setUTCDate(Math.min(day, lastDay))
  return target.toISOString().slice(0, 10)
}

const LOCAL_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/

/** A wall-clock time at the centre, YYYY-MM-DDTHH:MM, that names a real day and minute. */
export function isLocalDateTime(value: string): boolean {
  const match = LOCAL_TIME.exec(value)
  return match !== null && isIsoDate(match[1] ?? '')
}

/** Wall-clock arithmetic: 10:00 plus 15 minutes is 10:15, on any day of the year. */
export function addMinutes(dateTime: string, minutes: number): string {
  return new Date(parseLocal(dateTime).getTime() + minutes * 60_000).toISOString().slice(0, 16)
}

export function minutesBetween(from: string, to: string): number {
  return Math.round((parseLocal(to).getTime() - parseLocal(from).getTime()) / 60_000)
}

function parseLocal(dateTime: string): Date {
  if (!isLocalDateTime(dateTime)) throw new RangeError(`not a wall-clock time: ${dateTime}`)
  return new Date(`${dateTime}:00Z`)
}

const LONDON = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})

/** The wall-clock time in the UK at an instant, YYYY-MM-DDTHH:MM (GMT or BST as it falls). */
export function ukDateTime(at: Date): string {
  const parts = LONDON.formatToParts(at)
  const part = (type: string): string => parts.find((p) => p.type === type)?.value ?? '00'
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`
}

/** The UK calendar date at an instant (after midnight BST is already tomorrow in the UK). */
export function ukToday(at: Date): string {
  return ukDateTime(at).slice(0, 10)
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/

/**
 * A stored time as the UK reads it, YYYY-MM-DDTHH:MM. Haven keeps two kinds of time: the
 * instant something happened (an arrival, an audit entry: ISO 8601 in UTC, ending in Z) and
 * a wall-clock time at the centre (a session at 10:00: no zone). An instant is turned into
 * GMT or BST as it falls; a wall-clock time or a date is already the centre's and is kept.
 */
export function ukWallClock(value: string): string {
  if (!INSTANT.test(value)) return value
  const at = new Date(value)
  return Number.isNaN(at.getTime()) ? value : ukDateTime(at)
}

/**
 * Whether a wall-clock time happens in the UK: 01:30 on the Sunday the clocks go forward
 * (last Sunday of March) never does. An hour repeated when they go back (01:30 on the last
 * Sunday of October) does happen, and is read as the first of the two.
 */
export function isRealUkTime(dateTime: string): boolean {
  if (!isLocalDateTime(dateTime)) return false
  const asUtc = parseLocal(dateTime).getTime()
  // The UK is GMT+0 or GMT+1: the instant is one of these two, when it exists.
  return [asUtc, asUtc - 3_600_000].some((t) => ukDateTime(new Date(t)) === dateTime)
}

/** The UK date of a stored time: an instant's date in GMT or BST, a wall-clock time's own. */
export function ukDateOf(value: string): string {
  return ukWallClock(value).slice(0, 10)
}

/** The UK time of day of a stored time, HH:MM (see `ukWallClock`); empty for none. */
export function ukClock(value: string | null | undefined): string {
  return value ? ukWallClock(value).slice(11, 16) : ''
}
