import { Hono } from 'hono'
import type { z } from 'zod'
import type { AppContext } from '../app/context.ts'
import { inviteMember } from '../app/invitations.ts'
import {
  changeMemberRoles,
  endAllSessions,
  endMemberSessions,
  listMembers,
  setMemberDisabled,
  setSecondFactorForAll,
} from '../app/members.ts'
import { requireActor, type HavenEnv } from './session.ts'
import type { RouteSpec } from './api-spec.ts'
import { parseInput, readJson } from './validation.ts'
import {
  inviteInput,
  rolesInput,
  accountId,
  secondFactorInput,
  memberList,
  invitationSent,
  rolesOutput,
  endedOutput,
  secondFactorOutput,
} from '../app/contracts/members.ts'

const member = (
  method: RouteSpec['method'],
  path: string,
  summary: string,
  success: RouteSpec['success'],
  response: z.ZodType | undefined,
  body?: z.ZodType,
): RouteSpec => ({
  method,
  path,
  summary,
  tag: 'members',
  access: 'signed_in',
  success,
  ...(response ? { response } : {}),
  ...(body ? { body } : {}),
})

export const MEMBER_ROUTES: readonly RouteSpec[] = [
  member('get', '/api/members', "The centre's people and their roles", 200, memberList),
  member(
    'post',
    '/api/members/invitations',
    'Invite someone, with their roles',
    201,
    invitationSent,
    inviteInput,
  ),
  member(
    'put',
    '/api/members/:accountId/roles',
    "Change someone's roles",
    200,
    rolesOutput,
    rolesInput,
  ),
  member(
    'post',
    '/api/members/:accountId/disable',
    'Disable an account (ends its sessions)',
    204,
    undefined,
  ),
  member('post', '/api/members/:accountId/enable', 'Enable an account again', 204, undefined),
  member(
    'post',
    '/api/members/:accountId/sessions/end',
    "End someone's sessions",
    200,
    endedOutput,
  ),
  member(
    'put',
    '/api/centre/second-factor',
    'Require a second factor of every role',
    200,
    secondFactorOutput,
    secondFactorInput,
  ),
  member('post', '/api/sessions/end-all', 'End every session at the centre', 200, endedOutput),
]

/** The people of a centre: invite, list, change roles, disable, end sessions (coordinators). */
export function memberRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()

  api.get('/api/members', async (c) => {
    const members = await listMembers(ctx, requireActor(c))
    return c.json({
      members: members.map((m) => ({
        accountId: m.accountId,
        displayName: m.displayName,
        email: m.email,
        roles: m.roles,
        agencyKind: m.agencyKind ?? null,
        agencyName: m.agencyName ?? null,
        isDisabled: m.isDisabled,
        hasSecondFactor: m.hasSecondFactor,
      })),
    })
  })

  api.post('/api/members/invitations', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, inviteInput)
    const invitation = await inviteMember(ctx, actor, body)
    return c.json(
      {
        link: invitation.link,
        expiresAt: invitation.expiresAt,
        email: invitation.email,
        roles: invitation.roles,
      },
      201,
    )
  })

  api.put('/api/members/:accountId/roles', async (c) => {
    const actor = requireActor(c)
    const id = parseInput(accountId, c.req.param('accountId'), 'path.accountId')
    const body = await readJson(c, rolesInput)
    return c.json({ roles: await changeMemberRoles(ctx, actor, id, body.roles) })
  })

  api.post('/api/members/:accountId/disable', async (c) => {
    const actor = requireActor(c)
    await setMemberDisabled(
      ctx,
      actor,
      parseInput(accountId, c.req.param('accountId'), 'path.accountId'),
      true,
    )
    return c.body(null, 204)
  })

  api.post('/api/members/:accountId/enable', async (c) => {
    const actor = requireActor(c)
    await setMemberDisabled(
      ctx,
      actor,
      parseInput(accountId, c.req.param('accountId'), 'path.accountId'),
      false,
    )
    return c.body(null, 204)
  })

  api.post('/api/members/:accountId/sessions/end', async (c) => {
    const actor = requireActor(c)
    const ended = await endMemberSessions(
      ctx,
      actor,
      parseInput(accountId, c.req.param('accountId'), 'path.accountId'),
    )
    return c.json({ ended })
  })

  api.put('/api/centre/second-factor', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, secondFactorInput)
    await setSecondFactorForAll(ctx, actor, body.requiredForAll)
    return c.json({ requiredForAll: body.requiredForAll })
  })

  api.post('/api/sessions/end-all', async (c) => {
    return c.json({ ended: await endAllSessions(ctx, requireActor(c)) })
  })

  return api
}
