import { loadConfig, type OperatorScope } from '../config.ts'
import { rolesShownToHost } from '../domain/policy/accounts.ts'
import { operatorActor } from '../app/actor.ts'
import { findCentreBySlugOrThrow } from '../app/centres.ts'
import { inviteMember } from '../app/invitations.ts'
import {
  endAllSessions,
  endMemberSessions,
  listMembers,
  type Member,
  setMemberDisabled,
} from '../app/members.ts'
import { deliverOutbox } from '../app/outbox.ts'
import { requestPasswordReset } from '../app/password-reset.ts'
import { resetSecondFactor } from '../app/second-factor.ts'
import type { Command } from './commands.ts'
import { UsageError } from './commands.ts'
import { requiredString, sentByEmail, withHaven } from './support.ts'

/**
 * People and sign-in at the machine: what a coordinator does in the API, for whoever runs
 * the server (audited as the operator), plus the outbox for a machine without mail.
 */
const inviteCommand: Command = {
  path: ['centre', 'invite'],
  summary: 'Invite a person to a centre with one or more roles; prints the one-time link',
  usage:
    'haven centre invite --centre SLUG --email EMAIL --role ROLE [--role ROLE] [--agency-kind KIND --agency-name NAME]',
  details: [
    '--role ROLE          coordinator, chair, management, staff, volunteer, referrer or parent (repeatable)',
    '--agency-kind KIND   for a referrer: solicitor, mediator, cafcass, social_worker, court or other',
    '--agency-name NAME   for a referrer: the agency they work for',
  ],
  options: {
    centre: { type: 'string' },
    email: { type: 'string' },
    role: { type: 'string', multiple: true },
    'agency-kind': { type: 'string' },
    'agency-name': { type: 'string' },
  },
  async run(values, _positionals, io) {
    const slug = requiredString(values, 'centre')
    const email = requiredString(values, 'email')
    const roles = Array.isArray(values.role)
      ? values.role.filter((r): r is string => typeof r === 'string')
      : []
    if (roles.length === 0) throw new UsageError('--role is required')
    return withHaven(io, async (haven) => {
      const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
      const asHost = loadConfig(io.env, io.cwd).operatorScope === 'installation'
      const invitation = await inviteMember(
        haven.ctx,
        operatorActor(centre.id),
        {
          email,
          roles,
          agencyKind: typeof values['agency-kind'] === 'string' ? values['agency-kind'] : undefined,
          agencyName: typeof values['agency-name'] === 'string' ? values['agency-name'] : undefined,
        },
        { asHost },
      )
      if (asHost) {
        io.out(sentByEmail(invitation))
        return 0
      }
      io.out(
        `Invitation for ${invitation.email} as ${invitation.roles.join(', ')} (works once, until ${invitation.expiresAt}):`,
      )
      io.out(invitation.link)
      return 0
    })
  },
}

const membersListCommand: Command = {
  path: ['centre', 'members'],
  summary: "List a centre's people and their roles",
  usage: 'haven centre members --centre SLUG [--json]',
  details: ['--json   one JSON array instead of lines of text'],
  options: { centre: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const slug = requiredString(values, 'centre')
    return withHaven(io, async (haven) => {
      const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
      const members = seenByOperator(
        await listMembers(haven.ctx, operatorActor(centre.id)),
        loadConfig(io.env, io.cwd).operatorScope,
      )
      if (values.json === true) {
        io.out(
          JSON.stringify(
            members.map((m) => ({
              email: m.email,
              displayName: m.displayName,
              roles: m.roles,
              isDisabled: m.isDisabled,
              hasSecondFactor: m.hasSecondFactor,
            })),
          ),
        )
      } else if (members.length === 0) {
        io.out('Nobody has accepted an invitation yet.')
      } else {
        for (const m of members)
          io.out(
            `${m.email}\t${m.displayName}\t${m.roles.join(',')}${m.isDisabled ? '\tdisabled' : ''}`,
          )
      }
      return 0
    })
  },
}

/**
 * The centre's people as this installation's operator may see them (docs/decisions/0047):
 * all of them on a centre's own server; on a host's (HAVEN_OPERATOR_SCOPE=installation)
 * its workers and referrers only, never a parent. A parent's name and address are a family's
 * details, and that a person is a parent at this centre is itself one: a parent's address
 * answers as nobody's, and a worker who is also a parent here is shown without that role.
 */
function seenByOperator(members: Member[], scope: OperatorScope): Member[] {
  if (scope === 'centre') return members
  return members.flatMap((member) => {
    const roles = rolesShownToHost(member.roles)
    return roles.length === 0 ? [] : [{ ...member, roles }]
  })
}

function accessCommand(
  path: string[],
  summary: string,
  act: 'disable' | 'enable' | 'end-sessions',
): Command {
  return {
    path,
    summary,
    usage: `haven ${path.join(' ')} --centre SLUG --email EMAIL`,
    details: [],
    options: { centre: { type: 'string' }, email: { type: 'string' } },
    async run(values, _positionals, io) {
      const slug = requiredString(values, 'centre')
      const email = requiredString(values, 'email').trim().toLowerCase()
      return withHaven(io, async (haven) => {
        const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
        const actor = operatorActor(centre.id)
        const member = seenByOperator(
          await listMembers(haven.ctx, actor),
          loadConfig(io.env, io.cwd).operatorScope,
        ).find((m) => m.email === email)
        if (!member) throw new UsageError(`nobody with that e-mail address is in ${slug}`)
        if (act === 'end-sessions') {
          io.out(`Ended ${await endMemberSessions(haven.ctx, actor, member.accountId)} session(s).`)
        } else {
          await setMemberDisabled(haven.ctx, actor, member.accountId, act === 'disable')
          io.out(
            act === 'disable'
              ? 'Access to this centre stopped; their sessions here have ended.'
              : 'Access restored.',
          )
        }
        return 0
      })
    },
  }
}

const endAllCommand: Command = {
  path: ['centre', 'end-sessions'],
  summary: 'End every session in a centre at once (everyone must sign in again)',
  usage: 'haven centre end-sessions --centre SLUG',
  details: [],
  options: { centre: { type: 'string' } },
  async run(values, _positionals, io) {
    const slug = requiredString(values, 'centre')
    return withHaven(io, async (haven) => {
      const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
      io.out(`Ended ${await endAllSessions(haven.ctx, operatorActor(centre.id))} session(s).`)
      return 0
    })
  },
}

const resetCommand: Command = {
  path: ['password-reset'],
  summary: 'Send a password-reset link to an account (through the outbox)',
  usage: 'haven password-reset --email EMAIL',
  details: [
    'The link goes to the outbox; `haven outbox deliver` prints it where no mail is set up.',
  ],
  options: { email: { type: 'string' } },
  async run(values, _positionals, io) {
    const email = requiredString(values, 'email')
    return withHaven(io, async (haven) => {
      const { message, delivery } = await requestPasswordReset(haven.ctx, {
        email,
        source: 'operator',
        byOperator: true,
      })
      await delivery
      io.out(message)
      return 0
    })
  },
}

const secondFactorResetCommand: Command = {
  path: ['second-factor', 'reset'],
  summary: "Remove an account's authenticator and recovery codes (after checking who asks)",
  usage: 'haven second-factor reset --email EMAIL',
  details: [
    'For someone who has lost both their phone and their recovery codes: check who they are',
    'first, outside Haven. Every session of theirs ends; the reset is in the audit log; their',
    'next sign-in asks them to set up an authenticator app again.',
  ],
  options: { email: { type: 'string' } },
  async run(values, _positionals, io) {
    const email = requiredString(values, 'email').trim().toLowerCase()
    return withHaven(io, async (haven) => {
      if (!(await resetSecondFactor(haven.ctx, email)))
        throw new UsageError('no account has that e-mail address')
      io.out('Second factor removed; every session of theirs has ended.')
      return 0
    })
  },
}

const outboxCommand: Command = {
  path: ['outbox', 'deliver'],
  centreScopeOnly: "prints the links that open people's accounts",
  summary: 'Print every unsent message (invitations, reset links) and mark it sent',
  usage: 'haven outbox deliver',
  details: [
    'For a demo or a machine without mail: the messages are printed here, then erased from the outbox.',
  ],
  options: {},
  async run(_values, _positionals, io) {
    return withHaven(io, async (haven) => {
      const { delivered: count } = await deliverOutbox(haven.ctx, (message) => {
        io.out(`To: ${message.recipient}\nSubject: ${message.subject}\n\n${message.body}\n---`)
        return Promise.resolve()
      })
      io.out(count === 0 ? 'The outbox is empty.' : `Delivered ${count} message(s).`)
      return 0
    })
  },
}

export const PEOPLE_COMMANDS: readonly Command[] = [
  inviteCommand,
  membersListCommand,
  accessCommand(
    ['centre', 'disable'],
    "Stop a person's access to this centre (ends their sessions here at once)",
    'disable',
  ),
  accessCommand(['centre', 'enable'], "Restore a person's access to this centre", 'enable'),
  accessCommand(
    ['centre', 'end-person-sessions'],
    "End one person's sessions in a centre",
    'end-sessions',
  ),
  endAllCommand,
  resetCommand,
  secondFactorResetCommand,
  outboxCommand,
]
