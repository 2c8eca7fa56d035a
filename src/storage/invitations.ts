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
