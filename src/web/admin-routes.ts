import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { roomInput, roomRenameInput, staggerInput } from '../app/contracts/sessions.ts'
import { addRoom, readRoomSettings, renameRoom, setStagger } from '../app/rooms.ts'
import { HavenError } from '../domain/errors.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { addAgency, changeAgency, listCentreAgencies } from '../app/agencies.ts'
import { agencyChangeInput, agencyInput } from '../app/contracts/cases.ts'
import { AGENCY_KINDS } from '../domain/roles.ts'
import { agenciesBody, agencyChangeBody, roomRenameBody, roomsBody } from './admin-pages.ts'
import { checkForm } from './contract-form.ts'
import {
  formFields,
  pageCsrf,
  refusedField,
  requirePage,
  signedInGet,
  signedInPage,
  tryForm,
  type FormError,
} from './page-kit.ts'

type Status = 200 | 400 | 403 | 409

const DONE: Readonly<Record<string, string>> = {
  added: 'Room added.',
  renamed: 'Room renamed.',
  stagger: 'Time between the parents saved. It applies to sessions booked or changed from now on.',
  agency: 'Agency added. The referral form offers it from now on.',
  agencyChanged: 'Agency changed.',
}

const AGENCY_FIELDS: Readonly<Record<string, string>> = {
  name: 'The name',
  kind: 'The kind of agency',
}

/** Where a path of an agency's input sits on its form. */
const agencyPlace = (path: readonly PropertyKey[]) => {
  const first = String(path[0])
  const label = AGENCY_FIELDS[first]
  return label === undefined ? undefined : { field: first, label }
}

/**
 * The centre's everyday settings that name no one: rooms and the time between the parents
 * (manage_rooms), and the referring agencies (record_referrals). Each form goes through the
 * API's own use case and contract; the use case decides again.
 */
export function adminRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const roomsPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string>,
    extra: { done?: string | undefined; error?: FormError; status?: Status } = {},
  ) => {
    await requirePage(ctx, actor, 'manage_rooms')
    const settings = await readRoomSettings(ctx, actor)
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Rooms and arrival times`,
      current: '/centre',
      status: extra.status ?? 200,
      body: roomsBody({
        ...settings,
        csrf: pageCsrf(c),
        form,
        done: extra.done,
        error: extra.error,
      }),
    })
  }

  pages.get(
    '/centre/rooms',
    signedInGet((c, actor) => roomsPage(c, actor, {}, { done: DONE[c.req.query('done') ?? ''] })),
  )

  pages.post('/centre/rooms', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = { name: fields.get('name') }
    const fail = (f: { error: FormError; status: Status }) =>
      roomsPage(c, actor, form, { error: f.error, status: f.status })
    if (form.name.trim() === '') return fail(refusedField('name', 'enter the name of the room'))
    const read = checkForm(roomInput, { name: form.name.trim() }, () => ({
      field: 'name',
      label: 'The name',
    }))
    if (!read.ok) return fail({ error: read.error, status: 400 })
    const done = await tryForm(() => addRoom(ctx, actor, read.input.name))
    if (!done.ok) return fail(done)
    return c.redirect('/centre/rooms?done=added', 303)
  })

  pages.post('/centre/stagger', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = { minutes: fields.get('minutes') }
    const fail = (f: { error: FormError; status: Status }) =>
      roomsPage(c, actor, form, { error: f.error, status: f.status })
    const typed = form.minutes.trim()
    if (typed === '') return fail(refusedField('minutes', 'enter the minutes, from 5 to 60'))
    if (!/^\d{1,4}$/.test(typed))
      return fail(refusedField('minutes', 'the minutes must be a whole number, from 5 to 60'))
    const read = checkForm(staggerInput, { minutes: Number(typed) }, () => ({
      field: 'minutes',
      label: 'The time',
    }))
    if (!read.ok) return fail({ error: read.error, status: 400 })
    const done = await tryForm(() => setStagger(ctx, actor, read.input.minutes))
    if (!done.ok) return fail(done)
    return c.redirect('/centre/rooms?done=stagger', 303)
  })

  const renamePage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string>,
    extra: { error?: FormError; status?: Status } = {},
  ) => {
    await requirePage(ctx, actor, 'manage_rooms')
    const { rooms } = await readRoomSettings(ctx, actor)
    const room = rooms.find((r) => r.id === c.req.param('roomId'))
    if (!room) throw new HavenError('not_found', 'no such room')
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Rename a room`,
      current: '/centre',
      status: extra.status ?? 200,
      body: roomRenameBody({ room, csrf: pageCsrf(c), form, error: extra.error }),
    })
  }

  pages.get(
    '/centre/rooms/:roomId',
    signedInGet((c, actor) => renamePage(c, actor, {})),
  )

  pages.post('/centre/rooms/:roomId', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = { name: fields.get('name'), heldName: fields.get('heldName') }
    const fail = (f: { error: FormError; status: Status }) =>
      renamePage(c, actor, form, { error: f.error, status: f.status })
    if (form.name.trim() === '') return fail(refusedField('name', 'enter the new name'))
    const read = checkForm(
      roomRenameInput,
      { name: form.name.trim(), heldName: form.heldName },
      () => ({ field: 'name', label: 'The name' }),
    )
    if (!read.ok) return fail({ error: read.error, status: 400 })
    const done = await tryForm(() => renameRoom(ctx, actor, c.req.param('roomId'), read.input))
    // A rename made meanwhile: the page shows the newer name, and the form is drawn from it.
    if (!done.ok)
      return renamePage(c, actor, done.status === 409 ? { name: form.name } : form, done)
    return c.redirect('/centre/rooms?done=renamed', 303)
  })

  const agenciesPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string>,
    extra: { done?: string | undefined; error?: FormError; status?: Status } = {},
  ) => {
    await requirePage(ctx, actor, 'record_referrals')
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Referring agencies`,
      current: '/centre',
      status: extra.status ?? 200,
      body: agenciesBody({
        agencies: await listCentreAgencies(ctx, actor),
        kinds: AGENCY_KINDS,
        csrf: pageCsrf(c),
        form,
        done: extra.done,
        error: extra.error,
      }),
    })
  }

  /** The form's answer read against the agency's contract: the first problem of each field. */
  const readAgency = (form: Record<string, string>) => {
    if (form.name?.trim() === '') return refusedField('name', 'enter the name of the agency')
    if (form.kind === '') return refusedField('kind', 'choose the kind of agency')
    return undefined
  }

  pages.get(
    '/centre/agencies',
    signedInGet((c, actor) =>
      agenciesPage(c, actor, {}, { done: DONE[c.req.query('done') ?? ''] }),
    ),
  )

  pages.post('/centre/agencies', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = { name: fields.get('name'), kind: fields.get('kind') }
    const fail = (f: { error: FormError; status: Status }) =>
      agenciesPage(c, actor, form, { error: f.error, status: f.status })
    const missing = readAgency(form)
    if (missing) return fail(missing)
    const read = checkForm(agencyInput, { name: form.name.trim(), kind: form.kind }, agencyPlace)
    if (!read.ok) return fail({ error: read.error, status: 400 })
    const done = await tryForm(() => addAgency(ctx, actor, read.input))
    if (!done.ok) return fail(done)
    return c.redirect('/centre/agencies?done=agency', 303)
  })

  const agencyPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string>,
    extra: { error?: FormError; status?: Status } = {},
  ) => {
    await requirePage(ctx, actor, 'record_referrals')
    const agency = (await listCentreAgencies(ctx, actor)).find(
      (a) => a.id === c.req.param('agencyId'),
    )
    if (!agency) throw new HavenError('not_found', 'no such agency')
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Change an agency`,
      current: '/centre',
      status: extra.status ?? 200,
      body: agencyChangeBody({
        agency,
        kinds: AGENCY_KINDS,
        csrf: pageCsrf(c),
        form,
        error: extra.error,
      }),
    })
  }

  pages.get(
    '/centre/agencies/:agencyId',
    signedInGet((c, actor) => agencyPage(c, actor, {})),
  )

  pages.post('/centre/agencies/:agencyId', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = {
      name: fields.get('name'),
      kind: fields.get('kind'),
      heldName: fields.get('heldName'),
      heldKind: fields.get('heldKind'),
    }
    const fail = (f: { error: FormError; status: Status }) =>
      agencyPage(c, actor, form, { error: f.error, status: f.status })
    const missing = readAgency(form)
    if (missing) return fail(missing)
    const read = checkForm(agencyChangeInput, { ...form, name: form.name.trim() }, agencyPlace)
    if (!read.ok) return fail({ error: read.error, status: 400 })
    const done = await tryForm(() => changeAgency(ctx, actor, c.req.param('agencyId'), read.input))
    // A change made meanwhile: the form is drawn again from the agency as it now stands.
    if (!done.ok)
      return agencyPage(
        c,
        actor,
        done.status === 409 ? { name: form.name, kind: form.kind } : form,
        done,
      )
    return c.redirect('/centre/agencies?done=agencyChanged', 303)
  })

  return pages
}
