import { operatorActor } from '../app/actor.ts'
import { findCentreBySlugOrThrow } from '../app/centres.ts'
import { sessionsOfDay } from '../app/day-sessions.ts'
import { listReferralSummaries } from '../app/referral-views.ts'
import type { Command } from './commands.ts'
import { requiredString, withHaven } from './support.ts'

/** What a coordinator checks at the machine: the referrals inbox and the day's sessions. */
const referralsCommand: Command = {
  path: ['referrals', 'list'],
  centreScopeOnly: "reads a centre's referrals",
  summary:
    "A centre's referrals, newest first: reference, status, agency (audited as the operator)",
  usage: 'haven referrals list --centre SLUG [--status STATUS] [--json]',
  details: [
    '--status STATUS   received, pre_visits, risk_assessed, accepted, declined, waiting, active or closed',
  ],
  options: { centre: { type: 'string' }, status: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const slug = requiredString(values, 'centre')
    return withHaven(io, async (haven) => {
      const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
      const status = typeof values.status === 'string' ? values.status : undefined
      const referrals = await listReferralSummaries(haven.ctx, operatorActor(centre.id), {
        status,
        limit: 500,
      })
      if (values.json === true) io.out(JSON.stringify(referrals))
      else
        for (const r of referrals)
          io.out(
            `${r.reference}  ${r.status.padEnd(13)}  received ${r.receivedOn}  ${r.agency?.name ?? 'self-referral'}`,
          )
      return 0
    })
  },
}

const dayCommand: Command = {
  path: ['sessions', 'day'],
  centreScopeOnly: "reads a centre's sessions and who comes to them",
  summary: "A day's sessions, in time order, with who arrives when (first names only)",
  usage: 'haven sessions day --centre SLUG [--date YYYY-MM-DD] [--json]',
  details: ['--date   the day (default: today, UK time)'],
  options: { centre: { type: 'string' }, date: { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    const slug = requiredString(values, 'centre')
    return withHaven(io, async (haven) => {
      const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
      const date = typeof values.date === 'string' ? values.date : undefined
      const sessions = await sessionsOfDay(haven.ctx, operatorActor(centre.id), date)
      if (values.json === true) io.out(JSON.stringify(sessions))
      else
        for (const s of sessions) {
          const apart = s.family.isSeparationRequired ? ', parents kept apart' : ''
          io.out(
            `${s.startsAt.slice(11)}-${s.endsAt.slice(11)}  ${s.room}  ${s.family.reference} (${s.kind}${apart})`,
          )
          for (const p of s.people)
            io.out(`    ${p.arrivesAt.slice(11)}  ${p.givenName} (${p.kind.replaceAll('_', ' ')})`)
        }
      return 0
    })
  },
}

export const CASE_COMMANDS: readonly Command[] = [referralsCommand, dayCommand]
