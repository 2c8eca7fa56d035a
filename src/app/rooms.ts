import { HavenError } from '../domain/errors.ts'
import { setStaggerMinutes, staggerMinutesOf } from '../storage/centres.ts'
import { insertRooms } from '../storage/sessions.ts'
import { listRooms as listStoredRooms, renameStoredRoom } from '../storage/session-people.ts'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { inCentre, readInCentre } from './in-centre.ts'
import { requireAbility } from './policy-access.ts'

/** The centre's rooms, for booking and for the door (workers only). */
export async function listRooms(
  ctx: AppContext,
  actor: Actor,
): Promise<{ id: string; name: string }[]> {
  await requireAbility(ctx, actor, 'work_sessions')
  // Rooms name no one: read without the centre's lock and without an audit entry.
  return readInCentre(ctx, actor.centreId, (db) => listStoredRooms(db, actor.centreId))
}

/** Adds a room (the coordinator), named uniquely within the centre. */
export async function addRoom(
  ctx: AppContext,
  actor: Actor,
  name: string,
): Promise<{ id: string; name: string }> {
  await requireAbility(ctx, actor, 'manage_rooms')
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

/**
 * How many minutes apart the parents arrive and leave where they must not meet (15 by
 * default; ENGINEERING.md §1 gives 10 to 15). Set by the coordinator; applies to bookings
 * and changes from now on.
 */
export async function setStagger(
  ctx: AppContext,
  actor: Actor,
  minutes: number,
): Promise<{ minutes: number }> {
  await requireAbility(ctx, actor, 'manage_rooms')
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 60)
    throw new HavenError('invalid_input', 'from 5 to 60 minutes', 'minutes')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const before = await staggerMinutesOf(trx, actor.centreId)
    await setStaggerMinutes(trx, actor.centreId, minutes)
    await recordEvent(trx, {
      type: 'centre.stagger_changed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { before, after: minutes },
    })
    return { minutes }
  })
}

/**
 * The rooms and how far apart the parents arrive, for the coordinator's page. Names no one:
 * read without the centre's lock and without an audit entry.
 */
export async function readRoomSettings(
  ctx: AppContext,
  actor: Actor,
): Promise<{ rooms: { id: string; name: string }[]; staggerMinutes: number }> {
  await requireAbility(ctx, actor, 'manage_rooms')
  return readInCentre(ctx, actor.centreId, async (db) => ({
    rooms: await listStoredRooms(db, actor.centreId),
    staggerMinutes: await staggerMinutesOf(db, actor.centreId),
  }))
}

/**
 * Renames a room (the coordinator), still unique within the centre. Rooms carry no version:
 * the name the form was drawn with stands for one, so a rename made meanwhile is a conflict
 * and the newer name stays. Sessions keep their room; they show its new name.
 */
export async function renameRoom(
  ctx: AppContext,
  actor: Actor,
  roomId: string,
  change: { name: string; heldName: string },
): Promise<{ id: string; name: string }> {
  await requireAbility(ctx, actor, 'manage_rooms')
  const trimmed = change.name.trim()
  if (trimmed === '') throw new HavenError('invalid_input', 'a room needs a name', 'name')
  return inCentre(ctx, actor.centreId, async (trx) => {
    const existing = await listStoredRooms(trx, actor.centreId)
    const room = existing.find((r) => r.id === roomId)
    if (!room) throw new HavenError('not_found', 'no such room')
    if (room.name !== change.heldName)
      throw new HavenError('conflict', 'someone else renamed this room; reload it', 'name')
    if (existing.some((r) => r.id !== roomId && r.name.toLowerCase() === trimmed.toLowerCase()))
      throw new HavenError('conflict', 'there is already a room of that name', 'name')
    if (
      !(await renameStoredRoom(
        trx,
        { ...room, centreId: actor.centreId, heldName: room.name },
        trimmed,
      ))
    )
      throw new HavenError('conflict', 'someone else renamed this room; reload it', 'name')
    await recordEvent(trx, {
      type: 'room.renamed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      subjectId: roomId,
    })
    return { id: roomId, name: trimmed }
  })
}
