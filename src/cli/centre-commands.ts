import { closeCentre, findCentreBySlugOrThrow, reopenCentre } from '../app/centres.ts'
import { UsageError, type Command } from './commands.ts'
import { requiredString, withHaven } from './support.ts'

/**
 * Closing and reopening a centre at the machine (docs/decisions/0047): the installation's
 * operator does both without reading anything of the centre's families.
 */
const closeCommand: Command = {
  path: ['centre', 'close'],
  summary: 'Close a centre: end its sessions, stop sign-in, keep its records for its export',
  usage: 'haven centre close --centre SLUG --confirm SLUG',
  details: [
    '--confirm SLUG   the same slug again, as a check that this is the centre meant',
    'Every session of the centre ends; nobody can sign in to it or accept an invitation to it;',
    'its public pages answer as no centre. Nothing is destroyed: a coordinator cannot export',
    'from a closed centre, so export first (see docs/OPERATING.md, "When a centre leaves").',
    '`haven centre reopen` undoes it.',
  ],
  options: { centre: { type: 'string' }, confirm: { type: 'string' } },
  async run(values, _positionals, io) {
    const slug = requiredString(values, 'centre')
    if (values.confirm !== slug)
      throw new UsageError('--confirm must repeat the slug of the centre to close')
    return withHaven(io, async (haven) => {
      const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
      const { sessionsEnded } = await closeCentre(haven.ctx, centre)
      io.out(`Closed ${slug}; ${String(sessionsEnded)} session(s) ended.`)
      return 0
    })
  },
}

const reopenCommand: Command = {
  path: ['centre', 'reopen'],
  summary: 'Reopen a closed centre: its people may sign in again',
  usage: 'haven centre reopen --centre SLUG',
  details: [],
  options: { centre: { type: 'string' } },
  async run(values, _positionals, io) {
    const slug = requiredString(values, 'centre')
    return withHaven(io, async (haven) => {
      await reopenCentre(haven.ctx, await findCentreBySlugOrThrow(haven.ctx, slug))
      io.out(`Reopened ${slug}.`)
      return 0
    })
  },
}

export const CENTRE_COMMANDS: readonly Command[] = [closeCommand, reopenCommand]
