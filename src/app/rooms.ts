import { HavenError } from '../domain/errors.ts'
import { insertRooms } from '../storage/sessions.ts'
import { listRooms as listStoredRooms } from '../storage/session-people.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'

const STAFF_ROLES = ['coordinator', 'staff', 'volunteer'] as const

/** The centre's rooms, for booking and for the door (workers only). */
export async function listRooms(
  ctx: AppContext,
  actor: Actor,
): Promise<{ id: string; name: string }[]> {
  if (!actor.roles.some((role) => (STAFF_ROLES as readonly string[]).includes(role)))
    throw new HavenError('forbidden', "the centre's rooms are for its workers")
  return inCentre(ctx, actor.centreId, (trx) => listStoredRooms(trx, actor.centreId))
}

/** Adds a room (the coordinator), named uniquely within the centre. */
export async function addRoom(
  ctx: AppContext,
  actor: Actor,
  name: string,
): Promise<{ id: string; name: string }> {
  if (!actor.roles.includes('coordinator'))
    throw new HavenError('forbidden', 'the coordinator adds rooms')
  const trimmed = name.trim()
  if (trimmed === '') throw new HavenError('invalid_input', 'a room needs a name', 'name')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const existing = await listStoredRooms(trx, actor.centreId)
    if (existing.some((room) => room.name.toLowerCase() === trimmed.toLowerCase()))
      throw new HavenError('conflict', 'there is already a room of that name', 'name')
    const room = { id: ctx.newId(), centreId: actor.centreId, name: trimmed }
    await insertRooms(trx, [room])
    await recordEvent(trx, {
      type: 'room.added',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: room.id,
    })
    return { id: room.id, name: room.name }
  })
}
