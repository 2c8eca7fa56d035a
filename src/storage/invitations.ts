import type { Db } from './database.ts'
import type { InvitationRow } from './schema.ts'

export interface StoredInvitation {
  id: string
  centreId: string
  email: string
  roles: string[]
  agencyKind: string | undefined
  agencyName: string | undefined
  tokenHash: string
  invitedBy: string | undefined
  createdAt: string
  expiresAt: string
  acceptedAt: string | undefined
  acceptedAccountId: string | undefined
  answeredAt: string | undefined
}

function toInvitation(row: InvitationRow): StoredInvitation {
  return {
    id: row.id,
    centreId: row.centre_id,
    email: row.email,
    roles: JSON.parse(row.roles) as string[],
    agencyKind: row.agency_kind ?? undefined,
    agencyName: row.agency_name ?? undefined,
    tokenHash: row.token_hash,
    invitedBy: row.invited_by ?? undefined,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    acceptedAt: row.accepted_at ?? undefined,
    acceptedAccountId: row.accepted_account_id ?? undefined,
    answeredAt: row.answered_at ?? undefined,
  }
}

export async function insertInvitation(db: Db, invitation: StoredInvitation): Promise<void> {
  await db
    .insertInto('invitations')
    .values({
      id: invitation.id,
      centre_id: invitation.centreId,
      email: invitation.email,
      roles: JSON.stringify(invitation.roles),
      agency_kind: invitation.agencyKind ?? null,
      agency_name: invitation.agencyName ?? null,
      token_hash: invitation.tokenHash,
      invited_by: invitation.invitedBy ?? null,
      created_at: invitation.createdAt,
      expires_at: invitation.expiresAt,
      accepted_at: null,
      accepted_account_id: null,
      answered_at: null,
      confirm_token_hash: null,
    })
    .execute()
}

export async function findInvitationByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<StoredInvitation | undefined> {
  const row = await db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
  return row && toInvitation(row)
}

/** Marks the invitation used, only if nobody used it first; returns whether this call did. */
export async function markInvitationAccepted(
  db: Db,
  id: string,
  accountId: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ accepted_at: at, accepted_account_id: accountId })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function listOpenInvitations(
  db: Db,
  centreId: string,
  now: string,
): Promise<StoredInvitation[]> {
  const rows = await db
    .selectFrom('invitations')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at')
    .execute()
  return rows.map(toInvitation)
}

/**
 * Records that a coordinator's invitation link was answered (its confirmation sent), only if
 * it was neither used nor answered first; returns whether this call did.
 */
export async function answerInvitation(
  db: Db,
  id: string,
  answer: { at: string; confirmTokenHash: string },
): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ answered_at: answer.at, confirm_token_hash: answer.confirmTokenHash })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .where('answered_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function findInvitationByConfirmTokenHash(
  db: Db,
  confirmTokenHash: string,
): Promise<StoredInvitation | undefined> {
  const row = await db
    .selectFrom('invitations')
    .selectAll()
    .where('confirm_token_hash', '=', confirmTokenHash)
    .executeTakeFirst()
  return row && toInvitation(row)
}
