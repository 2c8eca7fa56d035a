import { likelyDuplicates, peopleOfReferral } from '../app/family-search.ts'
import { Hono } from 'hono'
import { revealContactDetails } from '../app/contact-details.ts'
import type { AppContext } from '../app/context.ts'
import { changeDoorDetails, listFamilies, readFamily } from '../app/families.ts'
import { linkParentAccount } from '../app/parent-accounts.ts'
import { correctPerson } from '../app/people.ts'
import { listReferralSummaries, readReferral } from '../app/referral-views.ts'
import { changeArrangements, moveReferral, receiveReferral } from '../app/referrals.ts'
import type { RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { parseInput, readJson } from './validation.ts'
import {
  referralInput,
  receivedReferral,
  arrangementsInput,
  moveInput,
  referralList,
  referralDetail,
  referralQuery,
  pageQuery,
  familyWithActions,
  doorInput,
  revealInput,
  linkInput,
  personInput,
  revealed,
  movedReferral,
  familyList,
  versionOutput,
} from '../app/contracts/cases.ts'
import { id } from '../app/contracts/common.ts'

export const CASE_ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/api/referrals',
    summary:
      'Make or record a referral: a new family with its people, at received; for those who see every family, the families already held that look like it',
    tag: 'referrals',
    access: 'signed_in',
    body: referralInput,
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
    body: moveInput,
    response: movedReferral,
    success: 200,
  },
  {
    method: 'put',
    path: '/api/referrals/:referralId/arrangements',
    summary: 'Change when the family can come and the court order, as they should now stand',
    tag: 'referrals',
    access: 'signed_in',
    body: arrangementsInput,
    response: versionOutput,
    success: 200,
  },
  {
    method: 'get',
    path: '/api/families',
    summary: 'The families this actor may see, each as the policy lets them see it',
    tag: 'families',
    access: 'signed_in',
    query: pageQuery,
    response: familyList,
    success: 200,
  },
  {
    method: 'get',
    path: '/api/families/:familyId',
    summary: 'A family, with every field group the policy withholds from this reader left out',
    tag: 'families',
    access: 'signed_in',
    response: familyWithActions,
    success: 200,
  },
  {
    method: 'put',
    path: '/api/families/:familyId/door-details',
    summary: 'Whether the parents must be kept apart, and the safety flags for the door',
    tag: 'families',
    access: 'signed_in',
    body: doorInput,
    response: versionOutput,
    success: 200,
  },
  {
    method: 'post',
    path: '/api/people/:personId/contact-details/reveal',
    summary: "Reveal a person's contact details, giving a reason (audited; refused with clauses)",
    tag: 'families',
    access: 'signed_in',
    body: revealInput,
    response: revealed,
    success: 200,
    // Contact details are never kept outside their family's key: each reveal is its own,
    // audited (decision 0030).
    idempotencyKey: false,
  },
  {
    method: 'put',
    path: '/api/people/:personId',
    summary: "Correct a person's record (names, relationship, named-people list, contact details)",
    tag: 'families',
    access: 'signed_in',
    body: personInput,
    response: versionOutput,
    success: 200,
  },
  {
    method: 'put',
    path: '/api/people/:personId/account',
    summary: "Link an invited parent's account to their own record",
    tag: 'families',
    access: 'signed_in',
    body: linkInput,
    success: 204,
  },
]

/** Referrals and families: every handler validates, calls one use case, presents its result. */
export function caseRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()

  api.post('/api/referrals', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, referralInput)
    // Families already held that look like this one (decision 0037), for those who see every
    // family; checked before the new family is written, so it never finds itself.
    const alike = await likelyDuplicates(ctx, actor, peopleOfReferral(body))
    const received = await receiveReferral(ctx, actor, body)
    return c.json(
      {
        ...received,
        likelyDuplicates: alike.map((f) => ({ familyId: f.id, reference: f.reference })),
      },
      201,
    )
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
    const body = await readJson(c, moveInput)
    return c.json(await moveReferral(ctx, actor, referralId, body))
  })

  api.put('/api/referrals/:referralId/arrangements', async (c) => {
    const actor = requireActor(c)
    const referralId = parseInput(id, c.req.param('referralId'), 'path.referralId')
    const body = await readJson(c, arrangementsInput)
    return c.json(await changeArrangements(ctx, actor, referralId, body))
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
    const body = await readJson(c, doorInput)
    return c.json(await changeDoorDetails(ctx, actor, familyId, body))
  })

  api.post('/api/people/:personId/contact-details/reveal', async (c) => {
    const actor = requireActor(c)
    const personId = parseInput(id, c.req.param('personId'), 'path.personId')
    const body = await readJson(c, revealInput)
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
    const body = await readJson(c, personInput)
    return c.json(await correctPerson(ctx, actor, personId, body))
  })

  api.put('/api/people/:personId/account', async (c) => {
    const actor = requireActor(c)
    const personId = parseInput(id, c.req.param('personId'), 'path.personId')
    const body = await readJson(c, linkInput)
    await linkParentAccount(ctx, actor, personId, body.accountId)
    return c.body(null, 204)
  })

  return api
}
