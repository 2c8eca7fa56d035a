import { Hono } from 'hono'
import { z } from 'zod'
import { CONSENT_EVIDENCE, listConsents, recordConsent, withdrawConsent } from '../app/consents.ts'
import type { AppContext } from '../app/context.ts'
import { downloadDisclosureDocument } from '../app/disclosure-documents.ts'
import {
  confirmDisclosure,
  declineDisclosure,
  listRegister,
  readRegisterEntry,
} from '../app/disclosure-register.ts'
import { requestDisclosure } from '../app/disclosures.ts'
import {
  AT_RISK,
  DISCLOSURE_CATEGORIES,
  PURPOSES,
  RECIPIENT_KINDS,
} from '../domain/policy/request.ts'
import { signedInRoute, type RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { parseInput, readJson, text } from './validation.ts'

const id = z.uuid()
const date = z.iso.date()
const recipient = z.strictObject({ kind: z.enum(RECIPIENT_KINDS), name: text(200) })
const consentBody = z.strictObject({
  personId: id,
  category: z.enum(DISCLOSURE_CATEGORIES),
  recipient: z.union([z.strictObject({ agencyId: id }), recipient]),
  purpose: z.enum(PURPOSES),
  evidence: z.enum(CONSENT_EVIDENCE),
  evidenceReference: text(200).optional(),
  givenOn: date,
  expiresOn: date.optional(),
})
const consentQuery = z.strictObject({ personId: id })
const withdrawBody = z.strictObject({
  withdrawnOn: date.optional(),
  evidence: z.enum(CONSENT_EVIDENCE),
})
const consentView = z.object({
  id,
  personId: id,
  category: z.string(),
  recipient: z.object({ kind: z.string(), name: z.string() }),
  purpose: z.string(),
  evidence: z.string(),
  evidenceReference: z.string().nullable(),
  givenOn: z.string(),
  expiresOn: z.string().nullable(),
  withdrawnOn: z.string().nullable(),
  state: z.string(),
})
const disclosureBody = z.strictObject({
  familyId: id,
  category: z.enum(DISCLOSURE_CATEGORIES),
  purpose: z.enum(PURPOSES),
  personId: id.optional(),
  agencyId: id.optional(),
  recipient: recipient.optional(),
  period: z.strictObject({ from: date, to: date }).optional(),
  atRisk: z.enum(AT_RISK).optional(),
  concernId: id.optional(),
  reason: text(2000).optional(),
  legalBasis: text(500).optional(),
})
const registerQuery = z.strictObject({
  familyId: id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
const confirmBody = z.strictObject({
  version: z.int().min(1),
  personTold: z.boolean().optional(),
  notToldReason: text(1000).optional(),
  /** CONTACT to the former partner: the consent relied on, confirmed by its id. */
  consentId: id.optional(),
})
const versionBody = z.strictObject({ version: z.int().min(1) })
const decided = z.object({
  id,
  status: z.string(),
  clauses: z.array(z.string()),
  reasons: z.array(z.string()),
})

const spec = signedInRoute

export const OUTWARD_ROUTES: readonly RouteSpec[] = [
  spec('post', '/api/consents', "Record a parent's consent (CONTACT)", 'consent', 201, {
    body: consentBody,
    response: z.object({ id }),
  }),
  spec('get', '/api/consents', "A person's consents and their state today", 'consent', 200, {
    query: consentQuery,
    response: z.object({ consents: z.array(consentView) }),
  }),
  spec(
    'post',
    '/api/consents/:consentId/withdraw',
    'Withdraw a consent: a new event, never an edit',
    'consent',
    201,
    { body: withdrawBody, response: z.object({ id, withdrawnOn: z.string() }) },
  ),
  spec(
    'post',
    '/api/disclosures',
    'Ask to disclose: decided at once by the policy and entered in the register',
    'disclosures',
    201,
    { body: disclosureBody, response: decided },
  ),
  spec('get', '/api/disclosures', 'The disclosure register', 'disclosures', 200, {
    query: registerQuery,
  }),
  spec('get', '/api/disclosures/:disclosureId', 'One entry of the register', 'disclosures', 200),
  spec(
    'post',
    '/api/disclosures/:disclosureId/confirm',
    'Confirm and release (decided again today; a second person where the policy asks)',
    'disclosures',
    200,
    { body: confirmBody },
  ),
  spec(
    'post',
    '/api/disclosures/:disclosureId/decline',
    'Decline a request the policy would allow',
    'disclosures',
    200,
    { body: versionBody },
  ),
  spec(
    'get',
    '/api/disclosures/:disclosureId/statement.pdf',
    'The attendance statement released, as PDF',
    'disclosures',
    200,
  ),
  spec(
    'get',
    '/api/disclosures/:disclosureId/statement.csv',
    'The attendance statement released, as CSV',
    'disclosures',
    200,
  ),
  spec(
    'get',
    '/api/disclosures/:disclosureId/letter.pdf',
    'The refusal letter, citing the clauses',
    'disclosures',
    200,
  ),
]

/** Consent and the disclosure register, with the documents Haven produces for them. */
export function outwardRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()
  const disclosureId = (value: string | undefined) => parseInput(id, value, 'path.disclosureId')

  api.post('/api/consents', async (c) => {
    const actor = requireActor(c)
    return c.json(await recordConsent(ctx, actor, await readJson(c, consentBody)), 201)
  })
  api.get('/api/consents', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(consentQuery, c.req.query(), 'query')
    return c.json({ consents: await listConsents(ctx, actor, query.personId) })
  })
  api.post('/api/consents/:consentId/withdraw', async (c) => {
    const actor = requireActor(c)
    const consentId = parseInput(id, c.req.param('consentId'), 'path.consentId')
    const body = await readJson(c, withdrawBody)
    return c.json(await withdrawConsent(ctx, actor, consentId, body), 201)
  })
  api.post('/api/disclosures', async (c) => {
    const actor = requireActor(c)
    return c.json(await requestDisclosure(ctx, actor, await readJson(c, disclosureBody)), 201)
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
    return c.json(await confirmDisclosure(ctx, actor, target, await readJson(c, confirmBody)))
  })
  api.post('/api/disclosures/:disclosureId/decline', async (c) => {
    const actor = requireActor(c)
    const target = disclosureId(c.req.param('disclosureId'))
    const body = await readJson(c, versionBody)
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
