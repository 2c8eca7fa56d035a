import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { childInput, doorInput } from '../app/contracts/cases.ts'
import { changeDoorDetails, readFamily } from '../app/families.ts'
import { addChild } from '../app/people.ts'
import { HavenError } from '../domain/errors.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { checkForm } from './contract-form.ts'
import { childFormBody, doorDetailsBody, flagWords } from './family-edit-pages.ts'
import {
  formFields,
  pageCsrf,
  refusedField,
  signedInGet,
  signedInPage,
  tryForm,
  type FormError,
} from './page-kit.ts'

type Status = 200 | 400 | 403 | 409

const CHILD_FIELDS: Readonly<Record<string, string>> = {
  givenName: 'The first name',
  familyName: 'The last name',
  dateOfBirth: 'The date of birth',
  mayAttend: 'Whether they may come',
}

/**
 * A safety flag as typed ("No photographs") folded to the short code it is kept as
 * ("no_photographs"); the contract then decides whether it is one.
 */
export function flagOf(line: string): string {
  return line
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
}

/**
 * Keeping a family's record whole from its page: a child added after the referral, and what
 * the door needs to know (safety flags; whether the parents are kept apart). Offered only to
 * those the policy lets correct records (DPA); the use cases decide again.
 */
export function familyEditRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const childPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string>,
    extra: { error?: FormError; status?: Status } = {},
  ) => {
    const family = await readFamily(ctx, actor, c.req.param('familyId') ?? '')
    if (!family.actions.correctPeople)
      throw new HavenError('forbidden', 'records are corrected only by those the policy names')
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Add a child`,
      current: '/families',
      status: extra.status ?? 200,
      body: childFormBody({ family, form, csrf: pageCsrf(c), error: extra.error }),
    })
  }

  pages.get(
    '/families/:familyId/children/new',
    signedInGet((c, actor) => childPage(c, actor, {})),
  )

  pages.post('/families/:familyId/children', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = fields.record()
    const fail = (f: { error: FormError; status: Status }) =>
      childPage(c, actor, form, { error: f.error, status: f.status })
    const familyId = c.req.param('familyId')
    const given = fields.get('givenName').trim()
    const family = fields.get('familyName').trim()
    const born = fields.get('dateOfBirth').trim()
    if (given === '') return fail(refusedField('givenName', 'enter the first name'))
    if (family === '') return fail(refusedField('familyName', 'enter the last name'))
    if (born === '') return fail(refusedField('dateOfBirth', 'enter the date of birth'))
    const read = checkForm(
      childInput,
      {
        givenName: given,
        familyName: family,
        dateOfBirth: born,
        mayAttend: fields.get('mayAttend') !== 'no',
      },
      (path) => {
        const first = String(path[0])
        const label = CHILD_FIELDS[first]
        return label === undefined ? undefined : { field: first, label }
      },
    )
    if (!read.ok) return fail({ error: read.error, status: 400 })
    const done = await tryForm(() => addChild(ctx, actor, familyId, read.input))
    if (!done.ok) return fail(done)
    return c.redirect(`/families/${familyId}?done=child`, 303)
  })

  const safetyPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string> | undefined,
    extra: { error?: FormError; status?: Status } = {},
  ) => {
    const family = await readFamily(ctx, actor, c.req.param('familyId') ?? '')
    if (!family.actions.changeDoorDetails)
      throw new HavenError('forbidden', 'records are corrected only by those the policy names')
    const held = {
      version: String(family.version),
      separation: family.separationPlan?.isRequired === true ? 'yes' : 'no',
      flags: (family.safetyFlags ?? []).map(flagWords).join('\n'),
    }
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Safety and keeping apart`,
      current: '/families',
      status: extra.status ?? 200,
      body: doorDetailsBody({
        family,
        form: form ?? held,
        staggerMinutes: family.separationPlan?.staggerMinutes,
        csrf: pageCsrf(c),
        error: extra.error,
      }),
    })
  }

  pages.get(
    '/families/:familyId/safety',
    signedInGet((c, actor) => safetyPage(c, actor, undefined)),
  )

  pages.post('/families/:familyId/safety', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = fields.record()
    const fail = (f: { error: FormError; status: Status }) =>
      safetyPage(c, actor, form, { error: f.error, status: f.status })
    const familyId = c.req.param('familyId')
    const separation = fields.get('separation')
    if (separation !== 'yes' && separation !== 'no')
      return fail(refusedField('separation', 'choose whether the parents must be kept apart'))
    const lines = fields
      .get('flags')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '')
    const flags = [...new Set(lines.map(flagOf))]
    const read = checkForm(
      doorInput,
      {
        isSeparationRequired: separation === 'yes',
        safetyFlags: flags,
        version: Number(fields.get('version')),
      },
      (path) => {
        if (path[0] !== 'safetyFlags') return undefined
        const index = path[1]
        const flag = typeof index === 'number' ? flags[index] : undefined
        const typed = flag === undefined ? undefined : lines.find((l) => flagOf(l) === flag)
        return {
          field: 'flags',
          label: typed === undefined ? 'The safety flags' : `The flag "${typed}"`,
        }
      },
    )
    if (!read.ok) return fail({ error: read.error, status: 400 })
    const done = await tryForm(() => changeDoorDetails(ctx, actor, familyId, read.input))
    if (!done.ok)
      // A change made meanwhile: say so, and draw the form again from the family as it stands.
      return done.status === 409
        ? safetyPage(c, actor, undefined, {
            error: { ...done.error, field: undefined },
            status: 409,
          })
        : fail(done)
    return c.redirect(`/families/${familyId}?done=safety`, 303)
  })

  return pages
}
