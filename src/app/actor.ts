import type { Role } from '../domain/roles.ts'

/** Who is acting: a signed-in account, in one centre, with its roles there. */
export interface Actor {
  accountId: string
  centreId: string
  roles: Role[]
  sessionId: string
  /** This session passed a second factor (SECURE: protected data needs one for some roles). */
  hasSecondFactor: boolean
}

/** The id the audit log shows for actions taken at the machine with the `haven` command. */
export const OPERATOR_ID = 'operator'

/**
 * Who invited, on an invitation sent by the operator of an installation that hosts several
 * centres (HAVEN_OPERATOR_SCOPE=installation, decision 0047). Unlike OPERATOR_ID's, such an
 * invitation is finished from the invited address, and its link is never printed: a host
 * must not be able to make itself a member of a centre by holding a link.
 */
export const HOST_ID = 'host'

/**
 * Whoever runs the `haven` command on the server acts as the centre's coordinator: they hold
 * the database and the master key already. Their actions are audited as OPERATOR_ID.
 */
export function operatorActor(centreId: string): Actor {
  return {
    accountId: OPERATOR_ID,
    centreId,
    roles: ['coordinator'],
    sessionId: OPERATOR_ID,
    hasSecondFactor: true,
  }
}
