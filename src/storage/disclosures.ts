import type { Selectable } from 'kysely'
import type { Db } from './database.ts'
import type { DisclosureRow } from './schema-outward.ts'

/** One entry of the disclosure register: who asked, for what and why, the decision, what left. */
export interface StoredDisclosure {
  id: string
  centreId: string
  familyId: string
  subjectPersonId: string | undefined
  route: 'request' | 'exception' | 'law'
  agencyId: string | undefined
  requestedBy: string | undefined
  requesterRoles: string[]
  recipientKind: string
  recipientName: string
  category: string
  purpose: string
  atRisk: string | undefined
  concernId: string | undefined
  reason: string | undefined
  legalBasis: string | undefined
  periodFrom: string | undefined
  periodTo: string | undefined
  status: string
  consentId: string | undefined
  consentState: string
  decisionEffect: 'permit' | 'deny'
  decisionClauses: string[]
  decisionReasons: string[]
  policyVersion: number
  policyHash: string
  requestedAt: string
  authorisedBy: string | undefined
  secondSignOffBy: string | undefined
  secondSignOffAt: string | undefined
  decidedBy: string | undefined
  decidedAt: string | undefined
  releasedWhat: Record<string, unknown> | undefined
  releasedBy: string | undefined
  releasedAt: string | undefined
  personTold: boolean | undefined
  notToldReason: string | undefined
  version: number
}

export async function insertDisclosure(db: Db, d: StoredDisclosure): Promise<void> {
  await db
    .insertInto('disclosures')
    .values({
      id: d.id,
      centre_id: d.centreId,
      family_id: d.familyId,
      subject_person_id: d.subjectPersonId ?? null,
      route: d.route,
      agency_id: d.agencyId ?? null,
      requested_by: d.requestedBy ?? null,
      requester_roles: JSON.stringify(d.requesterRoles),
      recipient_kind: d.recipientKind,
      recipient_name: d.recipientName,
      category: d.category,
      purpose: d.purpose,
      at_risk: d.atRisk ?? null,
      concern_id: d.concernId ?? null,
      reason: d.reason ?? null,
      legal_basis: d.legalBasis ?? null,
      period_from: d.periodFrom ?? null,
      period_to: d.periodTo ?? null,
      status: d.status,
      consent_id: d.consentId ?? null,
      consent_state: d.consentState,
      decision_effect: d.decisionEffect,
      decision_clauses: JSON.stringify(d.decisionClauses),
      decision_reasons: JSON.stringify(d.decisionReasons),
      policy_version: d.policyVersion,
      policy_hash: d.policyHash,
      requested_at: d.requestedAt,
      authorised_by: d.authorisedBy ?? null,
      second_sign_off_by: d.secondSignOffBy ?? null,
      second_sign_off_at: d.secondSignOffAt ?? null,
      decided_by: d.decidedBy ?? null,
      decided_at: d.decidedAt ?? null,
      released_what: d.releasedWhat === undefined ? null : JSON.stringify(d.releasedWhat),
      released_by: d.releasedBy ?? null,
      released_at: d.releasedAt ?? null,
      person_told: d.personTold === undefined ? null : d.personTold ? 1 : 0,
      not_told_reason: d.notToldReason ?? null,
      version: d.version,
    })
    .execute()
}

/**
 * Moves a register entry on (confirmed, refused, signed off, released, told), only from the
 * version the caller read: false when someone else changed it first.
 */
export async function updateDisclosure(
  db: Db,
  d: { centreId: string; id: string; version: number },
  change: Partial<
    Pick<
      StoredDisclosure,
      | 'status'
      | 'decisionEffect'
      | 'decisionClauses'
      | 'decisionReasons'
      | 'secondSignOffBy'
      | 'secondSignOffAt'
      | 'decidedBy'
      | 'decidedAt'
      | 'releasedWhat'
      | 'releasedBy'
      | 'releasedAt'
      | 'personTold'
      | 'notToldReason'
      | 'consentId'
      | 'consentState'
      | 'policyVersion'
      | 'policyHash'
    >
  >,
): Promise<boolean> {
  const set: Record<string, unknown> = {}
  if (change.status !== undefined) set.status = change.status
  if (change.decisionEffect !== undefined) set.decision_effect = change.decisionEffect
  if (change.decisionClauses !== undefined)
    set.decision_clauses = JSON.stringify(change.decisionClauses)
  if (change.decisionReasons !== undefined)
    set.decision_reasons = JSON.stringify(change.decisionReasons)
  if (change.secondSignOffBy !== undefined) set.second_sign_off_by = change.secondSignOffBy
  if (change.secondSignOffAt !== undefined) set.second_sign_off_at = change.secondSignOffAt
  if (change.decidedBy !== undefined) set.decided_by = change.decidedBy
  if (change.decidedAt !== undefined) set.decided_at = change.decidedAt
  if (change.releasedWhat !== undefined) set.released_what = JSON.stringify(change.releasedWhat)
  if (change.releasedBy !== undefined) set.released_by = change.releasedBy
  if (change.releasedAt !== undefined) set.released_at = change.releasedAt
  if (change.personTold !== undefined) set.person_told = change.personTold ? 1 : 0
  if (change.notToldReason !== undefined) set.not_told_reason = change.notToldReason
  if (change.consentId !== undefined) set.consent_id = change.consentId
  if (change.consentState !== undefined) set.consent_state = change.consentState
  if (change.policyVersion !== undefined) set.policy_version = change.policyVersion
  if (change.policyHash !== undefined) set.policy_hash = change.policyHash
  const result = await db
    .updateTable('disclosures')
    .set((eb) => ({ ...set, version: eb('version', '+', 1) }))
    .where('centre_id', '=', d.centreId)
    .where('id', '=', d.id)
    .where('version', '=', d.version)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function findDisclosure(
  db: Db,
  centreId: string,
  id: string,
): Promise<StoredDisclosure | undefined> {
  const row = await db
    .selectFrom('disclosures')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row && toDisclosure(row)
}

/** The register, newest first: all of it, one family's, or one agency's requests. */
export async function listDisclosures(
  db: Db,
  centreId: string,
  filter: { familyId?: string; agencyId?: string; limit: number },
): Promise<StoredDisclosure[]> {
  let query = db.selectFrom('disclosures').selectAll().where('centre_id', '=', centreId)
  if (filter.familyId !== undefined) query = query.where('family_id', '=', filter.familyId)
  if (filter.agencyId !== undefined) query = query.where('agency_id', '=', filter.agencyId)
  const rows = await query
    .orderBy('requested_at', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .execute()
  return rows.map(toDisclosure)
}

const strings = (text: string): string[] => {
  const value: unknown = JSON.parse(text)
  return Array.isArray(value) ? value.map(String) : []
}

function toDisclosure(row: Selectable<DisclosureRow>): StoredDisclosure {
  return {
    id: row.id,
    centreId: row.centre_id,
    familyId: row.family_id,
    subjectPersonId: row.subject_person_id ?? undefined,
    route: row.route === 'exception' ? 'exception' : row.route === 'law' ? 'law' : 'request',
    agencyId: row.agency_id ?? undefined,
    requestedBy: row.requested_by ?? undefined,
    requesterRoles: strings(row.requester_roles),
    recipientKind: row.recipient_kind,
    recipientName: row.recipient_name,
    category: row.category,
    purpose: row.purpose,
    atRisk: row.at_risk ?? undefined,
    concernId: row.concern_id ?? undefined,
    reason: row.reason ?? undefined,
    legalBasis: row.legal_basis ?? undefined,
    periodFrom: row.period_from ?? undefined,
    periodTo: row.period_to ?? undefined,
    status: row.status,
    consentId: row.consent_id ?? undefined,
    consentState: row.consent_state,
    decisionEffect: row.decision_effect === 'permit' ? 'permit' : 'deny',
    decisionClauses: strings(row.decision_clauses),
    decisionReasons: strings(row.decision_reasons),
    policyVersion: row.policy_version,
    policyHash: row.policy_hash,
    requestedAt: row.requested_at,
    authorisedBy: row.authorised_by ?? undefined,
    secondSignOffBy: row.second_sign_off_by ?? undefined,
    secondSignOffAt: row.second_sign_off_at ?? undefined,
    decidedBy: row.decided_by ?? undefined,
    decidedAt: row.decided_at ?? undefined,
    releasedWhat:
      row.released_what === null
        ? undefined
        : (JSON.parse(row.released_what) as Record<string, unknown>),
    releasedBy: row.released_by ?? undefined,
    releasedAt: row.released_at ?? undefined,
    personTold: row.person_told === null ? undefined : row.person_told === 1,
    notToldReason: row.not_told_reason ?? undefined,
    version: row.version,
  }
}
