import { createCentre } from '../../src/app/centres.ts'
import type { AppContext } from '../../src/app/context.ts'
import { acceptInvitation } from '../../src/app/invitation-acceptance.ts'
import { inviteMember } from '../../src/app/invitations.ts'
import { operatorActor } from '../../src/app/actor.ts'
import { deliverOutbox, type OutgoingMessage } from '../../src/app/outbox.ts'
import { hotp, totpStep } from '../../src/domain/totp.ts'
import { createHttpApp } from '../../src/http/app.ts'
import { createLogger } from '../../src/logger.ts'
import { webRoutes } from '../../src/web/routes.ts'
import { errorPageFor } from '../../src/web/error-page.ts'

/** The JSON API and pages as the server builds them, driven without a port. */
export function testApp(
  ctx: AppContext,
  logs?: { write(line: string): void },
): ReturnType<typeof createHttpApp> {
  return createHttpApp(ctx, logs ? createLogger('debug', logs) : createLogger('silent'), {
    bodyLimitBytes: 100_000,
    isBehindTls: false,
    pages: webRoutes(ctx, { isBehindTls: false }),
    errorPage: errorPageFor(ctx),
  })
}

type App = ReturnType<typeof testApp>

/** A browser-like client: keeps the session cookie and sends the CSRF token. */
export class Client {
  cookie: string | undefined
  /** The device cookie a browser keeps after a full sign-in. */
  deviceCookie: string | undefined
  csrf: string | undefined
  readonly app: App
  constructor(app: App) {
    this.app = app
  }

  async call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Response> {
    const sent: Record<string, string> = { ...headers }
    if (body !== undefined) sent['content-type'] ??= 'application/json'
    const cookies = [this.cookie, this.deviceCookie].filter((c) => c !== undefined)
    if (cookies.length > 0) sent.cookie = cookies.join('; ')
    if (this.csrf && sent['x-csrf-token'] === undefined) sent['x-csrf-token'] = this.csrf
    const response = await this.app.request(path, {
      method,
      headers: sent,
      ...(body === undefined
        ? {}
        : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    })
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';')
      if (pair?.startsWith('haven_session=')) this.cookie = pair.endsWith('=') ? undefined : pair
      if (pair?.startsWith('haven_device='))
        this.deviceCookie = pair.endsWith('=') ? undefined : pair
    }
    return response
  }

  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape it expects
  async json<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await this.call(method, path, body)
    const text = await response.text()
    const parsed = (text === '' ? {} : JSON.parse(text)) as T
    // The session's token (and so its CSRF token) changes when the second factor completes.
    const csrf = (parsed as { csrfToken?: unknown }).csrfToken
    if (response.ok && typeof csrf === 'string') this.csrf = csrf
    return { status: response.status, body: parsed }
  }

  async signIn(
    centre: string,
    email: string,
    password: string,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    this.cookie = undefined
    this.csrf = undefined
    const result = await this.json('POST', '/api/auth/sign-in', { centre, email, password })
    if (typeof result.body.csrfToken === 'string') this.csrf = result.body.csrfToken
    return result
  }
}

/** The current TOTP code for a base32 secret, at the context's time (optionally steps ahead). */
export function currentCode(secretBase32: string, ctx: AppContext, stepsAhead = 0): string {
  return hotp(base32Decode(secretBase32), totpStep(ctx.now().getTime()) + stepsAhead)
}

export function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  const out: number[] = []
  for (const char of text) {
    value = (value << 5) | alphabet.indexOf(char)
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** Reads and clears the outbox, as `haven outbox deliver` does. */
export async function drainOutbox(ctx: AppContext): Promise<OutgoingMessage[]> {
  const messages: OutgoingMessage[] = []
  await deliverOutbox(ctx, (message) => {
    messages.push(message)
    return Promise.resolve()
  })
  return messages
}

export function tokenFromLink(link: string): string {
  return link.split('/').pop() ?? ''
}

export const PASSWORD = 'lantern orchard pebble'

export interface Person {
  accountId: string
  email: string
  client: Client
  /** Base32 TOTP secret, when enrolled. */
  secret: string | undefined
  recoveryCodes: string[]
}

/**
 * A centre with a coordinator who has accepted the invitation, signed in and enrolled TOTP.
 */
export async function centreWithCoordinator(
  ctx: AppContext,
  app: App,
  slug: string,
  preset?: string,
): Promise<{ centreId: string; coordinator: Person }> {
  const email = `coordinator@${slug}.example.org`
  const { centre, invitation } = await createCentre(ctx, {
    name: `Centre ${slug}`,
    slug,
    coordinatorEmail: email,
    ...(preset === undefined ? {} : { preset }),
  })
  const coordinator = await acceptAndSignIn(ctx, app, slug, email, tokenFromLink(invitation.link))
  return { centreId: centre.id, coordinator }
}

export async function invite(
  ctx: AppContext,
  app: App,
  centreId: string,
  slug: string,
  email: string,
  roles: string[],
  agency: { kind: string; name: string } = { kind: 'solicitor', name: 'Hollis & Co Solicitors' },
): Promise<Person> {
  const extra = roles.includes('referrer')
    ? { agencyKind: agency.kind, agencyName: agency.name }
    : {}
  const invitation = await inviteMember(ctx, operatorActor(centreId), { email, roles, ...extra })
  return acceptAndSignIn(ctx, app, slug, email, tokenFromLink(invitation.link))
}

async function acceptAndSignIn(
  ctx: AppContext,
  app: App,
  slug: string,
  email: string,
  token: string,
): Promise<Person> {
  const client = new Client(app)
  const accepted = await client.json('POST', '/api/invitations/accept', {
    token,
    displayName: `Person ${email.split('@')[0] ?? ''}`,
    password: PASSWORD,
  })
  if (accepted.status !== 201) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`)
  const signedIn = await client.signIn(slug, email, PASSWORD)
  const session = await client.json<{ account: { id: string } }>('GET', '/api/auth/session')
  let secret: string | undefined
  let recoveryCodes: string[] = []
  if (signedIn.body.secondFactor === 'enrol') {
    const enrolment = await client.json<{ secret: string }>('POST', '/api/me/second-factor/enrol')
    secret = enrolment.body.secret
    const confirmed = await client.json<{ recoveryCodes: string[] }>(
      'POST',
      '/api/me/second-factor/confirm',
      { code: currentCode(secret, ctx) },
    )
    recoveryCodes = confirmed.body.recoveryCodes
  }
  return { accountId: session.body.account.id, email, client, secret, recoveryCodes }
}

/** Accepts an invitation with a new account through the use case; its account id. */
export async function acceptAsNewAccount(
  ctx: AppContext,
  input: { token: string; displayName: string; password: string },
): Promise<string> {
  const { accountId } = await acceptInvitation(ctx, input, 'test')
  if (accountId === undefined) throw new Error('the address already had an account')
  return accountId
}

/**
 * Messages queued by work that goes on after an answer (a reset link): drains the outbox
 * until `count` have arrived, or fails after a few seconds.
 */
export async function waitForMessages(ctx: AppContext, count = 1): Promise<OutgoingMessage[]> {
  const messages: OutgoingMessage[] = []
  const deadline = Date.now() + 10_000
  while (messages.length < count) {
    if (Date.now() > deadline) throw new Error(`${messages.length} of ${count} messages arrived`)
    messages.push(...(await drainOutbox(ctx)))
    if (messages.length < count) await new Promise((resolve) => setTimeout(resolve, 10))
  }
  return messages
}
