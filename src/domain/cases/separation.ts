import { addMinutes, minutesBetween } from '../calendar.ts'

/**
 * Parents must not meet (ENGINEERING.md §1; NACCC practice): when a family carries a
 * separation requirement, the parent the children visit arrives first and leaves last, the
 * parent who brings the children arrives and leaves a set number of minutes apart (15 by
 * default, set per centre), and each waits in a different room.
 */
export type AttendeeRole = 'resident_parent' | 'non_resident_parent' | 'child' | 'other_adult'

export interface PlannedAttendee {
  personId: string
  role: AttendeeRole
  /** Which parent an accompanying adult comes with, for other adults. */
  comesWith?: 'resident_parent' | 'non_resident_parent' | undefined
  arrivesAt: string
  leavesAt: string
  waitingRoomId?: string | undefined
}

export interface SessionTimes {
  startsAt: string
  endsAt: string
}

/**
 * The default plan for a session: with separation, the visiting parent (and anyone who
 * comes with them) arrives `stagger` minutes before the start and leaves `stagger` minutes
 * after the end; the children come and go with the parent they live with, at the start and
 * the end. Without separation everyone keeps the session's times.
 */
export function defaultPlan(
  session: SessionTimes,
  people: readonly {
    personId: string
    role: AttendeeRole
    comesWith?: PlannedAttendee['comesWith']
  }[],
  options: { isSeparationRequired: boolean; staggerMinutes: number },
): PlannedAttendee[] {
  return people.map((person) => {
    const side = sideOf(person)
    const isEarly = options.isSeparationRequired && side === 'non_resident_parent'
    return {
      ...person,
      arrivesAt: isEarly ? addMinutes(session.startsAt, -options.staggerMinutes) : session.startsAt,
      leavesAt: isEarly ? addMinutes(session.endsAt, options.staggerMinutes) : session.endsAt,
    }
  })
}

/**
 * What in a plan would bring the parents together: arrivals or departures of the two sides
 * closer than the stagger, the same waiting room, or someone leaving before they arrive.
 * Empty when the plan keeps them apart. Each problem is a sentence for the coordinator.
 */
export function separationProblems(
  plan: readonly PlannedAttendee[],
  options: { isSeparationRequired: boolean; staggerMinutes: number },
): string[] {
  const problems: string[] = []
  for (const person of plan) {
    if (minutesBetween(person.arrivesAt, person.leavesAt) <= 0)
      problems.push('someone is planned to leave before they arrive')
  }
  if (!options.isSeparationRequired) return unique(problems)
  const visiting = plan.filter((p) => sideOf(p) === 'non_resident_parent')
  const resident = plan.filter((p) => sideOf(p) === 'resident_parent')
  for (const a of visiting) {
    for (const b of resident) {
      if (Math.abs(minutesBetween(a.arrivesAt, b.arrivesAt)) < options.staggerMinutes)
        problems.push(`the parents would arrive less than ${options.staggerMinutes} minutes apart`)
      if (Math.abs(minutesBetween(a.leavesAt, b.leavesAt)) < options.staggerMinutes)
        problems.push(`the parents would leave less than ${options.staggerMinutes} minutes apart`)
      if (a.waitingRoomId !== undefined && a.waitingRoomId === b.waitingRoomId)
        problems.push('the parents would wait in the same room')
    }
  }
  return unique(problems)
}

/** The side of the family someone arrives with: a child comes with the resident parent. */
function sideOf(person: {
  role: AttendeeRole
  comesWith?: PlannedAttendee['comesWith']
}): 'resident_parent' | 'non_resident_parent' {
  if (person.role === 'resident_parent' || person.role === 'non_resident_parent') return person.role
  if (person.role === 'child') return 'resident_parent'
  return person.comesWith ?? 'non_resident_parent'
}

function unique(values: string[]): string[] {
  return [...new Set(values)]
}
