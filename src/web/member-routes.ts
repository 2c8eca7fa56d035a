import { isParent, isReferrer } from '../domain/policy/accounts.ts'
import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { readFamilyByReference } from '../app/families.ts'
import { linkParentAccount } from '../app/parent-accounts.ts'
import { inviteMember, type IssuedInvitation } from '../app/invitations.ts'
import { listUndeliveredMessages, sendMessageAgain, type SetAsideMessage } from '../app/outbox.ts'
import {
  changeMemberRoles,
  endMemberSessions,
  listMembers,
  setMemberDisabled,
  type Member,
} from '../app/members.ts'
import { HavenError, isHavenError } from '../domain/errors.ts'
import { AGENCY_KINDS, ROLES } from '../domain/roles.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { inviteInput } from '../app/contracts/members.ts'
import { checkForm, type FormPlace } from './contract-form.ts'
import { html, type Html } from './html.ts'
import {
  button,
  choiceField,
  errorSummary,
  formFields,
  link,
  postForm,
  pageCsrf,
  requirePage,
  selectField,
  signedInGet,
  signedInPage,
  successBanner,
  summaryList,
  table,
  tag,
  textField,
  tryForm,
  ukShortDateTime,
  type FormError,
} from './page-kit.ts'

const ROLE_WORDS: Readonly<Record<string, string>> = {
  coordinator: 'Coordinator',
  chair: 'Chair of the committee',
  management: 'Management team',
  staff: 'Staff',
  volunteer: 'Volunteer',
  referrer: 'Referrer (an agency)',
  parent: 'Parent',
}
const roleOptions = ROLES.map((r) => [r, ROLE_WORDS[r] ?? r] as const)
const DONE: Readonly<Record<string, string>> = {
  roles: 'Roles changed. They apply from the next request.',
  disabled: 'Access stopped, and every session of theirs ended.',
  enabled: 'Access restored.',
  ended: 'Their sessions ended: they sign in again.',
  linked: 'Linked: they now see their own record.',
}

/** A record that is not found is left as undefined, for a form to say so beside its field. */
async function unlessNotFound<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work()
  } catch (error) {
    if (isHavenError(error) && error.code === 'not_found') return undefined
    throw error
  }
}

/**
 * The people of the centre and their access (the coordinator only): invitations by e-mail
 * with a one-time link (shown once here too), roles, stopping and restoring access, ending
 * sessions. Every change is the members use cases', audited there.
 */
export function memberRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const listPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    extra: {
      form?: Record<string, string>
      roles?: string[]
      invited?: IssuedInvitation
      error?: FormError
      status?: 200 | 400 | 403 | 409
    } = {},
  ) => {
    await requirePage(ctx, actor, 'manage_members')
    const members = await listMembers(ctx, actor)
    const undelivered = await listUndeliveredMessages(ctx, actor)
    const f = extra.form ?? {}
    const e = extra.error
    return signedInPage(ctx, c, actor, {
      title: `${e ? 'Error: ' : ''}People and access`,
      current: '/centre',
      status: extra.status ?? 200,
      body: html`${
        extra.invited
          ? successBanner([
              `Invitation sent to ${extra.invited.email}. It works once, until ${ukShortDateTime(extra.invited.expiresAt)}.`,
            ])
          : ''
      }${errorSummary(e)}
        <h1 class="govuk-heading-l">People and access</h1>
        ${
          extra.invited
            ? html`<div class="govuk-inset-text">If the e-mail does not arrive, give them this link yourself, by a safe route; it is shown only now. Opening it sends the rest to their e-mail address, where they choose their password:<br><code class="haven-link">${extra.invited.link}</code></div>`
            : ''
        }
        ${table({
          caption: 'People of the centre',
          isCaptionHidden: true,
          head: ['Name', 'Roles', 'Second factor', 'Access'],
          rows: members.map((m: Member) => [
            link(`/centre/people/${m.accountId}`, m.displayName),
            m.roles.map((r) => ROLE_WORDS[r] ?? r).join(', '),
            m.hasSecondFactor ? 'Set up' : 'Not set up',
            m.isDisabled ? tag('stopped', 'red') : tag('active', 'green'),
          ]),
          empty: 'Nobody yet.',
        })}
        ${undeliveredSection(undelivered, pageCsrf(c))}
        <h2 class="govuk-heading-m">Invite someone</h2>
        ${postForm(
          '/centre/people',
          pageCsrf(c),
          html`${textField({ name: 'email', label: 'Their e-mail address', type: 'email', value: f.email, error: e, autocomplete: 'off' })}
          ${choiceField({ kind: 'checkboxes', name: 'roles', label: 'Their roles', options: roleOptions, values: extra.roles ?? [], error: e })}
          ${selectField({ name: 'agencyKind', label: 'For a referrer: the kind of agency', value: f.agencyKind, options: [['', 'Not a referrer'], ...AGENCY_KINDS.map((k) => [k, k.replaceAll('_', ' ')] as const)], error: e })}
          ${textField({ name: 'agencyName', label: "For a referrer: the agency's name", value: f.agencyName, error: e })}
          ${button('Send the invitation')}`,
        )}`,
    })
  }

  pages.get(
    '/centre/people',
    signedInGet((c, actor) => listPage(c, actor)),
  )

  // A message set aside (issue 16) put back in line: tried at once, and as often again.
  pages.post('/centre/messages/:messageId/again', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const done = await tryForm(() => sendMessageAgain(ctx, actor, c.req.param('messageId')))
    if (!done.ok) return listPage(c, actor, { error: done.error, status: done.status })
    return c.redirect('/centre/people#undelivered', 303)
  })

  pages.post('/centre/people', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = fields.record()
    const roles = fields.all('roles')
    const fail = (field: string, message: string) =>
      listPage(c, actor, { form, roles, error: { field, message }, status: 400 })
    if (roles.length === 0) return fail('roles', 'choose at least one role')
    if (isReferrer(roles) && (!form.agencyKind || !form.agencyName?.trim()))
      return fail(
        form.agencyKind ? 'agencyName' : 'agencyKind',
        "a referrer's invitation names their agency",
      )
    // The use case's own contract decides every limit, as it does for the API (decision 0026).
    const read = checkForm(
      inviteInput,
      {
        email: form.email?.trim() ?? '',
        roles,
        ...(isReferrer(roles)
          ? { agencyKind: form.agencyKind, agencyName: form.agencyName?.trim() }
          : {}),
      },
      invitationPlace,
    )
    if (!read.ok) return listPage(c, actor, { form, roles, error: read.error, status: 400 })
    const done = await tryForm(() => inviteMember(ctx, actor, read.input))
    if (!done.ok) return listPage(c, actor, { form, roles, error: done.error, status: done.status })
    return listPage(c, actor, { invited: done.value })
  })

  const memberPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    accountId: string,
    extra: { done?: string | undefined; error?: FormError; status?: 200 | 400 | 403 | 409 } = {},
  ) => {
    const abilities = await requirePage(ctx, actor, 'manage_members')
    const member = (await listMembers(ctx, actor)).find((m) => m.accountId === accountId)
    if (!member) throw new HavenError('not_found', 'no such person in this centre')
    const isSelf = member.accountId === actor.accountId
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}${member.displayName}`,
      current: '/centre',
      status: extra.status ?? 200,
      body: html`${successBanner(extra.done ? [extra.done] : [])}${errorSummary(extra.error)}
        <span class="govuk-caption-l">People and access</span>
        <h1 class="govuk-heading-l">${member.displayName}</h1>
        ${summaryList([
          ['E-mail', member.email],
          ['Roles', member.roles.map((r) => ROLE_WORDS[r] ?? r).join(', ')],
          ...(member.agencyName ? [['Agency', member.agencyName] as const] : []),
          ['Second factor', member.hasSecondFactor ? 'Set up' : 'Not set up'],
          ['Access', member.isDisabled ? tag('stopped', 'red') : tag('active', 'green')],
        ])}
        <h2 class="govuk-heading-m">Roles</h2>
        ${postForm(
          `/centre/people/${member.accountId}/roles`,
          pageCsrf(c),
          html`${choiceField({ kind: 'checkboxes', name: 'roles', label: 'Their roles at this centre', hint: 'A referrer is invited afresh, naming their agency', options: roleOptions.filter(([r]) => !isReferrer([r]) || isReferrer(member.roles)), values: member.roles, error: extra.error })}${button('Change the roles', 'secondary')}`,
        )}
        ${
          isSelf
            ? ''
            : html`<h2 class="govuk-heading-m">Access</h2>
          <div class="govuk-button-group">
          ${postForm(`/centre/people/${member.accountId}/access`, pageCsrf(c), html`<input type="hidden" name="to" value="${member.isDisabled ? 'enabled' : 'disabled'}">${button(member.isDisabled ? 'Restore access' : 'Stop access', member.isDisabled ? 'secondary' : 'warning')}`)}
          ${postForm(`/centre/people/${member.accountId}/sessions/end`, pageCsrf(c), button('End their sessions', 'secondary'))}
          </div>`
        }
        ${
          isParent(member.roles) && abilities.has('link_parent_accounts')
            ? html`<h2 class="govuk-heading-m">Their own record</h2>
          <p class="govuk-body">A parent reads their own family's record and their own contact details, never the other parent's, once their account is linked to them.</p>
          ${postForm(
            `/centre/people/${member.accountId}/person`,
            pageCsrf(c),
            html`${textField({ name: 'reference', label: "Their family's reference", hint: 'For example, F-0042', error: extra.error, width: 'govuk-input--width-10' })}
            ${choiceField({
              kind: 'radios',
              name: 'kind',
              label: 'Which parent are they?',
              options: [
                ['resident_parent', 'The parent the children live with'],
                ['non_resident_parent', 'The parent the children visit'],
              ],
              error: extra.error,
            })}
            ${button('Link their account', 'secondary')}`,
          )}`
            : ''
        }
        <p class="govuk-body">${link('/centre/people', 'Back to people and access')}</p>`,
    })
  }

  pages.get(
    '/centre/people/:accountId',
    signedInGet((c, actor) =>
      memberPage(c, actor, c.req.param('accountId') ?? '', {
        done: DONE[c.req.query('done') ?? ''],
      }),
    ),
  )

  pages.post('/centre/people/:accountId/roles', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const accountId = c.req.param('accountId')
    const roles = fields.all('roles')
    const done =
      roles.length === 0
        ? {
            ok: false as const,
            error: {
              field: 'roles',
              message: 'keep at least one role; to remove someone, stop their access',
            },
            status: 400 as const,
          }
        : await tryForm(() => changeMemberRoles(ctx, actor, accountId, roles))
    if (!done.ok)
      return memberPage(c, actor, accountId, {
        error: { ...done.error, field: 'roles' },
        status: done.status,
      })
    return c.redirect(`/centre/people/${accountId}?done=roles`, 303)
  })

  pages.post('/centre/people/:accountId/person', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const accountId = c.req.param('accountId')
    const kind = fields.get('kind')
    const fail = (field: string, message: string) =>
      memberPage(c, actor, accountId, { error: { field, message }, status: 400 })
    if (fields.get('reference').trim() === '')
      return fail('reference', "enter their family's reference")
    if (kind !== 'resident_parent' && kind !== 'non_resident_parent')
      return fail('kind', 'choose which parent they are')
    const family = await unlessNotFound(() =>
      readFamilyByReference(ctx, actor, fields.get('reference')),
    )
    const person = family?.people.find((p) => p.kind === kind)
    if (!person) return fail('reference', 'no family with that reference has that parent')
    const done = await tryForm(() => linkParentAccount(ctx, actor, person.id, accountId))
    if (!done.ok)
      return memberPage(c, actor, accountId, {
        error: { ...done.error, field: 'reference' },
        status: done.status,
      })
    return c.redirect(`/centre/people/${accountId}?done=linked`, 303)
  })

  pages.post('/centre/people/:accountId/access', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const accountId = c.req.param('accountId')
    const to = fields.get('to') === 'enabled' ? 'enabled' : 'disabled'
    const done = await tryForm(() => setMemberDisabled(ctx, actor, accountId, to === 'disabled'))
    if (!done.ok) return memberPage(c, actor, accountId, { error: done.error, status: done.status })
    return c.redirect(`/centre/people/${accountId}?done=${to}`, 303)
  })

  pages.post('/centre/people/:accountId/sessions/end', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const accountId = c.req.param('accountId')
    const done = await tryForm(() => endMemberSessions(ctx, actor, accountId))
    if (!done.ok) return memberPage(c, actor, accountId, { error: done.error, status: done.status })
    return c.redirect(`/centre/people/${accountId}?done=ended`, 303)
  })
  return pages
}

/** Where a path of the invitation's input sits on the form. */
function invitationPlace(path: readonly PropertyKey[]): FormPlace | undefined {
  const [first] = path.map(String)
  if (first === 'email') return { field: 'email', label: 'The e-mail address' }
  if (first === 'roles') return { field: 'roles', label: 'Each role' }
  if (first === 'agencyKind') return { field: 'agencyKind', label: 'The kind of agency' }
  if (first === 'agencyName') return { field: 'agencyName', label: "The agency's name" }
  return undefined
}

/** Why a message could not be sent, in words (the class kept, never the error's own text). */
const DELIVERY_ERROR_WORDS: Readonly<Record<string, string>> = {
  recipient_refused: 'the address was refused',
  rejected: 'the mail server refused the message',
  authentication: 'Haven could not sign in to the mail server',
  timeout: 'the mail server did not answer in time',
  connection: 'the mail server could not be reached',
  deferred: 'the mail server asked to try later',
  other: 'an unexpected error',
}

/**
 * Messages Haven gave up on (refused for good, or failed ten times over about half a day):
 * shown where people are invited, with a way to send each again once the cause is mended.
 */
function undeliveredSection(messages: readonly SetAsideMessage[], csrf: string): Html {
  if (messages.length === 0) return html``
  return html`<h2 class="govuk-heading-m" id="undelivered">Messages that could not be sent</h2>
    <p class="govuk-body">Haven stopped trying to send these. Mend the cause (the address, or the mail settings), then send each again; or give the person what they need another way.</p>
    ${table({
      caption: 'Messages that could not be sent',
      isCaptionHidden: true,
      head: ['To', 'Subject', 'Why', 'Tries', 'Stopped', ''],
      rows: messages.map((m) => [
        m.recipient,
        m.subject,
        DELIVERY_ERROR_WORDS[m.lastError ?? 'other'] ?? m.lastError ?? '',
        String(m.attempts),
        ukShortDateTime(m.setAsideAt),
        postForm(
          `/centre/messages/${m.id}/again`,
          csrf,
          button('Send again', 'secondary'),
          `Send again: ${m.subject}`,
        ),
      ]),
      empty: 'None.',
    })}`
}
