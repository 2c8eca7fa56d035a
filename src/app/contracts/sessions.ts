import { z } from 'zod'
import { id, date, localTime, text, version } from './common.ts'
import { SESSION_KINDS } from '../sessions.ts'
import { CHECK_LEVELS } from '../../domain/policy/document.ts'

export const bookInput = z.strictObject({
  familyId: id,
  roomId: id,
  kind: z.enum(SESSION_KINDS),
  startsAt: localTime,
  endsAt: localTime,
  plan: z
    .array(
      z.strictObject({
        personId: id,
        arrivesAt: localTime.optional(),
        leavesAt: localTime.optional(),
        waitingRoomId: id.optional(),
      }),
    )
    .max(30)
    .optional(),
})
export const planEntry = z.object({
  personId: id,
  arrivesAt: localTime,
  leavesAt: localTime,
  waitingRoomId: id.optional(),
})
export const replanInput = z.strictObject({
  plan: bookInput.shape.plan.unwrap().min(1),
  version,
})
export const closeInput = z.strictObject({
  outcome: z.enum(['cancelled', 'did_not_attend']),
  cancelledBy: z.enum(['resident_parent', 'non_resident_parent', 'centre']).optional(),
  version,
})
export const doorInput = z.strictObject({
  what: z.enum(['arrived', 'departed']),
  personId: id.optional(),
  visitor: text(120).optional(),
  overrideReason: text(500).optional(),
})
export const register = z.object({
  session: z.object({
    id,
    startsAt: z.string(),
    endsAt: z.string(),
    room: z.string(),
    kind: z.string(),
    status: z.string(),
    version: z.int(),
  }),
  isSeparationRequired: z.boolean(),
  safetyFlags: z.array(z.string()),
  people: z.array(
    z.object({
      personId: id,
      kind: z.string(),
      givenName: z.string().optional(),
      arrivesAt: z.string(),
      leavesAt: z.string(),
      arrivedAt: z.string().nullable(),
      departedAt: z.string().nullable(),
    }),
  ),
})
export const assignInput = z.strictObject({ accountId: id })
export const dayQuery = z.strictObject({ date: date.optional() })
export const daySession = z.object({
  sessionId: id,
  startsAt: z.string(),
  endsAt: z.string(),
  room: z.string(),
  kind: z.string(),
  status: z.string(),
  family: z.object({
    id,
    reference: z.string(),
    isSeparationRequired: z.boolean(),
    safetyFlags: z.array(z.string()),
  }),
  people: z.array(
    z.object({
      personId: id,
      kind: z.string(),
      givenName: z.string(),
      arrivesAt: z.string(),
      leavesAt: z.string(),
      arrivedAt: z.string().nullable(),
      departedAt: z.string().nullable(),
    }),
  ),
  /** Who is on duty: the workers assigned, by display name. */
  workers: z.array(z.string()),
})
export const checkInput = z.strictObject({
  kind: z.enum(['dbs', 'crb']),
  level: z.enum(CHECK_LEVELS),
  certificateReference: text(40).optional(),
  issuedOn: date,
  renewalDueOn: date,
  outcome: z.enum(['clear', 'pending', 'concerns']),
})
export const acquaintanceInput = z.strictObject({ accountId: id.optional() })
export const roomInput = z.strictObject({ name: text(60) })
/** A room's new name, and the name the form was drawn with (a rename meanwhile is a conflict). */
export const roomRenameInput = z.strictObject({ name: text(60), heldName: text(60) })
export const staggerInput = z.strictObject({
  minutes: z
    .int('must be a whole number of minutes')
    .min(5, 'must be from 5 to 60 minutes')
    .max(60, 'must be from 5 to 60 minutes'),
})
export const room = z.object({ id, name: z.string() })

// What the worker routes answer.
export const workerList = z.object({
  workers: z.array(
    z.object({
      accountId: z.string(),
      displayName: z.string(),
      roles: z.array(z.string()),
      renewalDueOn: z.string().nullable(),
      isRenewalDueSoon: z.boolean(),
      /** Only for the roles the policy lets see check results (CHECKS). */
      checks: z
        .array(
          z.object({
            id: z.string(),
            kind: z.string(),
            level: z.string(),
            issuedOn: z.string(),
            renewalDueOn: z.string(),
            outcome: z.string(),
            certificateReference: z.string().nullable(),
          }),
        )
        .optional(),
    }),
  ),
})

// Answers named here rather than in the route's spec.
export const staggerOutput = z.object({ minutes: z.int() })
export const daySessionList = z.object({ sessions: z.array(daySession) })
export const roomList = z.object({ rooms: z.array(room) })
export const bookedSession = z.object({ sessionId: id, plan: z.array(planEntry) })
export const replannedSession = z.object({
  sessionId: id,
  version: z.int(),
  plan: z.array(planEntry),
})
export const closedSession = z.object({ status: z.string(), version: z.int() })
export const doorOutput = z.object({ warnings: z.array(z.string()) })
export const assignedWorker = z.object({ clauses: z.array(z.string()) })
export const recordedCheck = z.object({ checkId: id })
