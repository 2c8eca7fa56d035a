import { Hono } from 'hono'
import { z } from 'zod'
import { revealContactDetails } from '../app/contact-details.ts'
import type { AppContext } from '../app/context.ts'
import { changeDoorDetails, listFamilies, readFamily } from '../app/families.ts'
import { linkParentAccount } from '../app/parent-accounts.ts'
import { correctPerson } from '../app/people.ts'
import { listReferralSummaries, readReferral } from '../app/referral-views.ts'
import { moveReferral, receiveReferral } from '../app/referrals.ts'
import { REFERRAL_STATUSES } from '../domain/cases/referral-lifecycle.ts'
import type { RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { parseInput, readJson, text } from './validation.ts'

const id = z.uuid()
const date = z.iso.date()
const name = text(100).min(1)
const flag = z.string().regex(/^[a-z][a-z0-9_]{1,39}$/, 'a short code: lower case and _')

const contactDetails = z.strictObject({
  address: text(300).optional(),
  phone: text(40).optional(),
  email: z.email().max(254).optional(),
})

const referralBody = z.strictObject({
  agencyId: id.optional(),
  receivedOn: date.optional(),
  parents: z
    .array(
      z.strictObject({
        kind: z.enum(['resident_parent', 'non_resident_parent']),
        givenName: name,
        familyName: name,
        relationship: text(40).optional(),
        hasParentalResponsibility: z.boolean(),
        contactDetails: contactDetails.optional(),
      }),
    )
    .min(1)
    .max(2),
  children: z
    .array(z.strictObject({ givenName: name, familyName: name, dateOfBirth: date }))
    .min(1)
    .max(12),
  namedPeople: z
    .array(z.strictObject({ givenName: name, familyName: name, relationship: text(40).min(1) }))
    .max(12)
    .optional(),
  courtOrder: z
    .strictObject({
      kind: text(60).min(1),
      reference: text(60).optional(),
      madeOn: date.optional(),
      court: text(120).optional(),
      conditions: text(2000).optional(),
    })
    .optional(),
  availability: text(500).optional(),
  isSeparationRequired: z.boolean(),
  safetyFlags: z.array(flag).max(20).optional(),
})

const receivedReferral = z.object({
  referralId: id,
  familyId: id,
  reference: z.string(),
  status: z.enum(REFERRAL_STATUSES),
})
const moveBody = z.strictObject({ to: z.enum(REFERRAL_STATUSES), version: z.int().min(1) })
const referralList = z.object({
  referrals: z.array(
    z.object({
      id,
      familyId: id,
      reference: z.string(),
      status: z.string(),
      receivedOn: date,
      agency: z.object({ id, kind: z.string(), name: z.string() }).nullable(),
      version: z.int(),
    }),
  ),
})
const referralDetail = z.object({
  ...referralList.shape.referrals.element.shape,
  sessions: z
    .array(z.object({ startsAt: z.string(), endsAt: z.string(), status: z.string() }))
    .optional(),
  history: z
    .array(z.object({ at: z.string(), from: z.string().optional(), to: z.string() }))
    .optional(),
})
const referralQuery = z.strictObject({
  status: z.enum(REFERRAL_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

const person = z.object({
  id,
  kind: z.string(),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  relationship: z.string().optional(),
  dateOfBirth: date.optional(),
  hasParentalResponsibility: z.boolean().optional(),
  mayAttend: z.boolean().optional(),
  hasContactDetails: z.boolean().optional(),
})
const family = z.object({
  id,
  reference: z.string(),
  version: z.int(),
  status: z.string().optional(),
  people: z.array(person),
  separationPlan: z.object({ isRequired: z.boolean(), staggerMinutes: z.int() }).optional(),
  safetyFlags: z.array(z.string()).optional(),
  courtOrder: z.record(z.string(), z.string()).nullable().optional(),
  sessions: z
    .array(
      z.object({
        id,
        startsAt: z.string(),
        endsAt: z.string(),
        room: z.string(),
        kind: z.string(),
        status: z.string(),
      }),
    )
    .optional(),
  history: z
    .array(z.object({ at: z.string(), from: z.string().optional(), to: z.string() }))
    .optional(),
  withheld: z.array(z.string()),
})
const doorBody = z.strictObject({
  isSeparationRequired: z.boolean(),
  safetyFlags: z.array(flag).max(20),
  version: z.int().min(1),
})
const revealBody = z.strictObject({ reason: text(500) })
const linkBody = z.strictObject({ accountId: id })
const personBody = z.strictObject({
  givenName: name,
  familyName: name,
  relationship: text(40).optional(),
  hasParentalResponsibility: z.boolean(),
  mayAttend: z.boolean(),
  contactDetails: z
    .strictObject({
      address: text(300).optional(),
      phone: text(40).optional(),
      email: z.union([z.email().max(254), z.literal('')]).optional(),
    })
    .optional(),
  version: z.int().min(1),
})
const revealed = z.object({
  clauses: z.array(z.string()),
  contactDetails: z.object({
    address: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
  }),
})

export const CASE_ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/api/referrals',
    summary: 'Make or record a referral: a new family with its people, at received',
    tag: 'referrals',
    access: 'signed_in',
    body: referralBody,
    response: receivedReferral,
    success: 201,
  },
  {
    method: 'get',
    path: '/api/referrals',
    summary: "The referrals this actor may follow (the centre's inbox, or a referrer's own)",
    tag: 'referrals',
    access: 'signed_in',
    query: referralQuery,
    response: referralList,
    success: 200,
  },
  {
    method: 'get',
    path: '/api/referrals/:referralId',
    summary:
      "A referral's progress, and as the policy allows its sessions' dates and times and its history",
    tag: 'referrals',
    access: 'signed_in',
    response: referralDetail,
    success: 200,
  },
  {
    method: 'post',
    path: '/api/referrals/:referralId/status',
    summary: 'Move a referral along its lifecycle',
    tag: 'referrals',
    access: 'signed_in',
    body: moveBody,
    response: z.object({ status: z.enum(REFERRAL_STATUSES), version: z.int() }),
    success: 200,
  },
  {
    method: 'get',
    path: '/api/families',
    summary: 'The families this actor may see, each as the policy lets them see it',
    tag: 'families',
    access: 'signed_in',
    query: pageQuery,
    response: z.object({ families: z.array(family) }),
    success: 200,
  },
  {
    method: 'get',
    path: '/api/families/:familyId',
    summary: 'A family, with every field group the policy withholds from this reader left out',
    tag: 'families',
    access: 'signed_in',
    response: family,
    success: 200,
  },
  {
    method: 'put',
    path: '/api/families/:familyId/door-details',
    summary: 'Whether the parents must be kept apart, and the safety flags for the door',
    tag: 'families',
    access: 'signed_in',
    body: doorBody,
    response: z.object({ version: z.int() }),
    success: 200,
  },
  {
    method: 'post',
    path: '/api/people/:personId/contact-details/reveal',
    summary: "Reveal a person's contact details, giving a reason (audited; refused with clauses)",
    tag: 'families',
    access: 'signed_in',
    body: revealBody,
    response: revealed,
    success: 200,
  },
  {
    method: 'put',
    path: '/api/people/:personId',
    summary: "Correct a person's record (names, relationship, named-people list, contact details)",
    tag: 'families',
    access: 'signed_in',
    body: personBody,
    response: z.object({ version: z.int() }),
    success: 200,
  },
  {
    method: 'put',
    path: '/api/people/:personId/account',
    summary: "Link an invited parent's account to their own record",
    tag: 'families',
    access: 'signed_in',
    body: linkBody,
    success: 204,
  },
]

/** Referrals and families: every handler validates, calls one use case, presents its result. */
export function caseRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()

  api.post('/api/referrals', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, referralBody)
    return c.json(await receiveReferral(ctx, actor, body), 201)
  })

  api.get('/api/referrals', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(referralQuery, c.req.query(), 'query')
    return c.json({ referrals: await listReferralSummaries(ctx, actor, query) })
  })

  api.get('/api/referrals/:referralId', async (c) => {
    const actor = requireActor(c)
    const referralId = parseInput(id, c.req.param('referralId'), 'path.referralId')
    return c.json(await readReferral(ctx, actor, referralId))
  })

  api.post('/api/referrals/:referralId/status', async (c) => {
    const actor = requireActor(c)
    const referralId = parseInput(id, c.req.param('referralId'), 'path.referralId')
    const body = await readJson(c, moveBody)
    return c.json(await moveReferral(ctx, actor, referralId, body))
  })

  api.get('/api/families', async (c) => {
    const actor = requireActor(c)
    const page = parseInput(pageQuery, c.req.query(), 'query')
    return c.json({ families: await listFamilies(ctx, actor, page) })
  })

  api.get('/api/families/:familyId', async (c) => {
    const actor = requireActor(c)
    const familyId = parseInput(id, c.req.param('familyId'), 'path.familyId')
    return c.json(await readFamily(ctx, actor, familyId))
  })

  api.put('/api/families/:familyId/door-details', async (c) => {
    const actor = requireActor(c)
    const familyId = parseInput(id, c.req.param('familyId'), 'path.familyId')
    const body = await readJson(c, doorBody)
    return c.json(await changeDoorDetails(ctx, actor, familyId, body))
  })

  api.post('/api/people/:personId/contact-details/reveal', async (c) => {
    const actor = requireActor(c)
    const personId = parseInput(id, c.req.param('personId'), 'path.personId')
    const body = await readJson(c, revealBody)
    const outcome = await revealContactDetails(ctx, actor, personId, body.reason)
    if (outcome.effect === 'deny')
      return c.json(
        {
          error: {
            code: 'forbidden',
            message: outcome.reasons.join('; '),
            clauses: outcome.clauses,
            requestId: c.get('requestId'),
          },
        },
        403,
      )
    return c.json({ clauses: outcome.clauses, contactDetails: outcome.contactDetails })
  })

  api.put('/api/people/:personId', async (c) => {
    const actor = requireActor(c)
    const personId = parseInput(id, c.req.param('personId'), 'path.personId')
    const body = await readJson(c, personBody)
    return c.json(await correctPerson(ctx, actor, personId, body))
  })

  api.put('/api/people/:personId/account', async (c) => {
    const actor = requireActor(c)
    const personId = parseInput(id, c.req.param('personId'), 'path.personId')
    const body = await readJson(c, linkBody)
    await linkParentAccount(ctx, actor, personId, body.accountId)
    return c.body(null, 204)
  })

  return api
}
