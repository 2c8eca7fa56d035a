import { openHaven, type OpenHaven, type OpenOptions } from '../app/runtime.ts'
import { loadConfig } from '../config.ts'
import { HavenError } from '../domain/errors.ts'
import { countRealCentres } from '../storage/centres.ts'
import { UsageError, type CliIo } from './commands.ts'

export function requiredString(values: Record<string, unknown>, name: string): string {
  const value = values[name]
  if (typeof value !== 'string') throw new UsageError(`--${name} is required`)
  return value
}

export async function withHaven(
  io: CliIo,
  work: (haven: OpenHaven) => Promise<number>,
  options: OpenOptions = {},
): Promise<number> {
  const haven = await openHaven(loadConfig(io.env, io.cwd), undefined, options)
  try {
    if (io.unscopedCentreWork !== undefined) {
      const centres = await countRealCentres(haven.ctx.db)
      if (centres >= 2)
        throw new HavenError(
          'forbidden',
          `this installation holds ${String(centres)} centres and this command ${io.unscopedCentreWork}: say whose work this is with HAVEN_OPERATOR_SCOPE (centre for a centre's own operator, installation for a host, which may not)`,
        )
    }
    return await work(haven)
  } finally {
    await haven.close()
  }
}

/**
 * What a host is told of an invitation it sent (decision 0047): not its link, which would let
 * the host become the member it invites; the invitation is finished from the address.
 */
export function sentByEmail(invitation: { email: string; expiresAt: string }): string {
  return `The invitation went by e-mail to ${invitation.email} (works once, until ${invitation.expiresAt}); it is finished from that address. With HAVEN_OPERATOR_SCOPE=installation its link is not shown here.`
}
