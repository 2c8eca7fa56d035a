import type { Db } from './database.ts'

/** A consent as given (CONTACT); withdrawals are their own rows, joined on read. */
export interface StoredConsent {
  id: string
  centreId: string
  familyId: string
  personId: string
  category: string
  recipientKind: string
  recipientName: string
  purpose: string
  evidence: string
  evidenceReference: string | undefined
  givenOn: string
  expiresOn: string | undefined
  recordedBy: string | undefined
  recordedAt: string
}

export interface ConsentWithWithdrawal extends StoredConsent {
  withdrawnOn: string | undefined
  withdrawalEvidence: string | undefined
}

export async function insertConsent(db: Db, consent: StoredConsent): Promise<void> {
  await db
    .insertInto('consents')
    .values({
      id: consent.id,
      centre_id: consent.centreId,
      family_id: consent.familyId,
      person_id: consent.personId,
      category: consent.category,
      recipient_kind: consent.recipientKind,
      recipient_name: consent.recipientName,
      purpose: consent.purpose,
      evidence: consent.evidence,
      evidence_reference: consent.evidenceReference ?? null,
      given_on: consent.givenOn,
      expires_on: consent.expiresOn ?? null,
      recorded_by: consent.recordedBy ?? null,
      recorded_at: consent.recordedAt,
    })
    .execute()
}

export async function insertConsentWithdrawal(
  db: Db,
  withdrawal: {
    id: string
    centreId: string
    consentId: string
    familyId: string
    withdrawnOn: string
    evidence: string
    recordedBy: string | undefined
    recordedAt: string
  },
): Promise<void> {
  await db
    .insertInto('consent_withdrawals')
    .values({
      id: withdrawal.id,
      centre_id: withdrawal.centreId,
      consent_id: withdrawal.consentId,
      family_id: withdrawal.familyId,
      withdrawn_on: withdrawal.withdrawnOn,
      evidence: withdrawal.evidence,
      recorded_by: withdrawal.recordedBy ?? null,
      recorded_at: withdrawal.recordedAt,
    })
    .execute()
}

/** A family's consents (or one person's, or one), each with its withdrawal if any. */
export async function listConsents(
  db: Db,
  centreId: string,
  filter: { familyId?: string; personId?: string; id?: string },
): Promise<ConsentWithWithdrawal[]> {
  let query = db
    .selectFrom('consents')
    .leftJoin('consent_withdrawals', (join) =>
      join
        .onRef('consent_withdrawals.consent_id', '=', 'consents.id')
        .onRef('consent_withdrawals.centre_id', '=', 'consents.centre_id'),
    )
    .selectAll('consents')
    .select([
      'consent_withdrawals.withdrawn_on as withdrawn_on',
      'consent_withdrawals.evidence as withdrawal_evidence',
    ])
    .where('consents.centre_id', '=', centreId)
  if (filter.familyId !== undefined) query = query.where('consents.family_id', '=', filter.familyId)
  if (filter.personId !== undefined) query = query.where('consents.person_id', '=', filter.personId)
  if (filter.id !== undefined) query = query.where('consents.id', '=', filter.id)
  const rows = await query.orderBy('consents.given_on').orderBy('consents.id').execute()
  return rows.map((row) => ({
    id: row.id,
    centreId: row.centre_id,
    familyId: row.family_id,
    personId: row.person_id,
    category: row.category,
    recipientKind: row.recipient_kind,
    recipientName: row.recipient_name,
    purpose: row.purpose,
    evidence: row.evidence,
    evidenceReference: row.evidence_reference ?? undefined,
    givenOn: row.given_on,
    expiresOn: row.expires_on ?? undefined,
    recordedBy: row.recorded_by ?? undefined,
    recordedAt: row.recorded_at,
    withdrawnOn: row.withdrawn_on ?? undefined,
    withdrawalEvidence: row.withdrawal_evidence ?? undefined,
  }))
}
