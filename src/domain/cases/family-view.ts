import type { FamilyField } from '../policy/request.ts'

/**
 * What a reader is shown of a family: built field group by field group, and only the groups
 * the policy's decision leaves unredacted. Contact details are never part of a read; they
 * are revealed one person at a time, with a reason (CONTACT).
 */
export interface FamilyFacts {
  id: string
  reference: string
  version: number
  status: string | undefined
  isSeparationRequired: boolean
  staggerMinutes: number
  safetyFlags: string[]
  people: {
    id: string
    kind: string
    givenName: string
    familyName: string
    relationship: string | undefined
    dateOfBirth: string | undefined
    hasParentalResponsibility: boolean
    mayAttend: boolean
    /** The person's version, for a correction (optimistic concurrency). */
    version: number
    hasContactDetails: boolean
  }[]
  courtOrder:
    | {
        kind: string
        reference?: string | undefined
        madeOn?: string | undefined
        court?: string | undefined
        conditions?: string | undefined
      }
    | undefined
  sessions: {
    id: string
    startsAt: string
    endsAt: string
    room: string
    kind: string
    status: string
  }[]
  history: { at: string; from: string | undefined; to: string }[]
}

export interface FamilyView {
  id: string
  reference: string
  version: number
  status?: string
  people: {
    id: string
    kind: string
    givenName?: string
    familyName?: string
    relationship?: string
    dateOfBirth?: string
    hasParentalResponsibility?: boolean
    mayAttend?: boolean
    /** The version a correction names; shown with the full names it corrects. */
    version?: number
    /** Contact details are held and can be revealed by the roles the policy names. */
    hasContactDetails?: boolean
  }[]
  separationPlan?: { isRequired: boolean; staggerMinutes: number }
  safetyFlags?: string[]
  courtOrder?: FamilyFacts['courtOrder'] | null
  sessions?: FamilyFacts['sessions']
  history?: FamilyFacts['history']
  /** The field groups this reader does not see, so a page can say so. */
  withheld: FamilyField[]
}

/** The family as this reader may see it: every redacted field group left out. */
export function presentFamily(facts: FamilyFacts, redact: readonly string[]): FamilyView {
  const shows = (field: FamilyField): boolean => !redact.includes(field)
  const withheld = (
    [
      'first_names',
      'full_names',
      'children',
      'court_order',
      'separation_plan',
      'safety_flags',
      'session_times',
      'history',
    ] as const
  ).filter((field) => !shows(field))
  return {
    id: facts.id,
    reference: facts.reference,
    version: facts.version,
    ...(shows('history') && facts.status !== undefined ? { status: facts.status } : {}),
    people: (shows('first_names') || shows('full_names') ? facts.people : []).map((person) => ({
      id: person.id,
      kind: person.kind,
      ...(shows('first_names') ? { givenName: person.givenName } : {}),
      ...(shows('full_names')
        ? {
            familyName: person.familyName,
            hasParentalResponsibility: person.hasParentalResponsibility,
            mayAttend: person.mayAttend,
            version: person.version,
            hasContactDetails: person.hasContactDetails,
            ...(person.relationship === undefined ? {} : { relationship: person.relationship }),
          }
        : {}),
      ...(shows('children') && person.dateOfBirth !== undefined
        ? { dateOfBirth: person.dateOfBirth }
        : {}),
    })),
    ...(shows('separation_plan')
      ? {
          separationPlan: {
            isRequired: facts.isSeparationRequired,
            staggerMinutes: facts.staggerMinutes,
          },
        }
      : {}),
    ...(shows('safety_flags') ? { safetyFlags: facts.safetyFlags } : {}),
    ...(shows('court_order') ? { courtOrder: facts.courtOrder ?? null } : {}),
    ...(shows('session_times') ? { sessions: facts.sessions } : {}),
    ...(shows('history') ? { history: facts.history } : {}),
    withheld,
  }
}
