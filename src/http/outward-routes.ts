import { Hono } from 'hono'
import { listConsents, recordConsent, withdrawConsent } from '../app/consents.ts'
import type { AppContext } from '../app/context.ts'
import { downloadDisclosureDocument } from '../app/disclosure-documents.ts'
import {
  confirmDisclosure,
  declineDisclosure,
  listRegister,
  readRegisterEntry,
} from '../app/disclosure-register.ts'
import { requestDisclosure } from '../app/disclosures.ts'
import { signedInRoute, type RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { parseInput, readJson } from './validation.ts'
import {
  consentInput,
  consentQuery,
  withdrawInput,
  disclosureInput,
  registerQuery,
  confirmInput,
  versionInput,
  decided,
  registerList,
  registerEntryWithConsent,
  confirmedOutput,
  declinedOutput,
  recordedConsent,
  consentList,
  withdrawnConsent,
} from '../app/contracts/outward.ts'
import { id } from '../app/contracts/common.ts'

const spec = signedInRoute

export const OUTWARD_ROUTES: readonly RouteSpec[] = [
  spec('post', '/api/consents', "Record a parent's consent (CONTACT)", 'consent', 201, {
    body: consentInput,
    response: recordedConsent,
  }),
  spec('get', '/api/consents', "A person's consents and their state today", 'consent', 200, {
    query: consentQuery,
    response: consentList,
  }),
  spec(
    'post',
    '/api/consents/:consentId/withdraw',
    'Withdraw a consent: a new event, never an edit',
    'consent',
    201,
    { body: withdrawInput, response: withdrawnConsent },
  ),
  spec(
    'post',
    '/api/disclosures',
    'Ask to disclose: decided at once by the policy and entered in the register',
    'disclosures',
    201,
    { body: disclosureInput, response: decided },
  ),
  spec('get', '/api/disclosures', 'The disclosure register', 'disclosures', 200, {
    query: registerQuery,
    response: registerList,
  }),
  spec('get', '/api/disclosures/:disclosureId', 'One entry of the register', 'disclosures', 200, {
    response: registerEntryWithConsent,
  }),
  spec(
    'post',
    '/api/disclosures/:disclosureId/confirm',
    'Confirm and release (decided again today; a second person where the policy asks)',
    'disclosures',
    200,
    { body: confirmInput, response: confirmedOutput },
  ),
  spec(
    'post',
    '/api/disclosures/:disclosureId/decline',
    'Decline a request the policy would allow',
    'disclosures',
    200,
    { body: versionInput, response: declinedOutput },
  ),
  spec(
    'get',
    '/api/disclosures/:disclosureId/statement.pdf',
    'The attendance statement released, as PDF',
    'disclosures',
    200,
    { produces: 'application/pdf' },
  ),
  spec(
    'get',
    '/api/disclosures/:disclosureId/statement.csv',
    'The attendance statement released, as CSV',
    'disclosures',
    200,
    { produces: 'text/csv' },
  ),
  spec(
    'get',
    '/api/disclosures/:disclosureId/letter.pdf',
    'The refusal letter, citing the clauses',
    'disclosures',
    200,
    { produces: 'application/pdf' },
  ),
]

/** Consent and the disclosure register, with the documents Haven produces for them. */
export function outwardRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()
  const disclosureId = (value: string | undefined) => parseInput(id, value, 'path.disclosureId')

  api.post('/api/consents', async (c) => {
    const actor = requireActor(c)
    return c.json(await recordConsent(ctx, actor, await readJson(c, consentInput)), 201)
  })
  api.get('/api/consents', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(consentQuery, c.req.query(), 'query')
    return c.json({ consents: await listConsents(ctx, actor, query.personId) })
  })
  api.post('/api/consents/:consentId/withdraw', async (c) => {
    const actor = requireActor(c)
    const consentId = parseInput(id, c.req.param('consentId'), 'path.consentId')
    const body = await readJson(c, withdrawInput)
    return c.json(await withdrawConsent(ctx, actor, consentId, body), 201)
  })
  api.post('/api/disclosures', async (c) => {
    const actor = requireActor(c)
    return c.json(await requestDisclosure(ctx, actor, await readJson(c, disclosureInput)), 201)
  })
  api.get('/api/disclosures', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(registerQuery, c.req.query(), 'query')
    return c.json({ entries: await listRegister(ctx, actor, query) })
  })
  api.get('/api/disclosures/:disclosureId', async (c) => {
    const actor = requireActor(c)
    return c.json(await readRegisterEntry(ctx, actor, disclosureId(c.req.param('disclosureId'))))
  })
  api.post('/api/disclosures/:disclosureId/confirm', async (c) => {
    const actor = requireActor(c)
    const target = disclosureId(c.req.param('disclosureId'))
    return c.json(await confirmDisclosure(ctx, actor, target, await readJson(c, confirmInput)))
  })
  api.post('/api/disclosures/:disclosureId/decline', async (c) => {
    const actor = requireActor(c)
    const target = disclosureId(c.req.param('disclosureId'))
    const body = await readJson(c, versionInput)
    return c.json(await declineDisclosure(ctx, actor, target, body.version))
  })
  for (const kind of ['statement.pdf', 'statement.csv', 'letter.pdf'] as const) {
    api.get(`/api/disclosures/:disclosureId/${kind}`, async (c) => {
      const actor = requireActor(c)
      const target = disclosureId(c.req.param('disclosureId'))
      const file = await downloadDisclosureDocument(ctx, actor, target, kind)
      return c.body(file.body.slice().buffer, 200, {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.fileName}"`,
      })
    })
  }
  return api
}
