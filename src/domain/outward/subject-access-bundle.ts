import type { Decision } from '../policy/decision.ts'
import type { OutgoingDocument, Block } from './documents.ts'

/**
 * A subject access bundle (SAR; UK GDPR Art. 15): the subject's own data, section by section,
 * and a list of what was withheld, each with its ground and clause. Third parties' data (the
 * other parent, the children, workers' words, free-text summaries that may name others) is
 * withheld by default; the other parent's contact details never appear (CONTACT); records
 * held to prevent violent crime are withheld (DPA 2018 Sch. 2 para. 2). Every item is the
 * engine's own decision, so each withholding names the clause it was made under.
 */
export type SubjectAccessItem =
  'own_data' | 'other_parent_contact_details' | 'third_party_data' | 'violence_prevention'

export interface WithheldItem {
  item: string
  recordId: string | undefined
  ground: string
  clause: string
}

export interface BundleSection {
  title: string
  /** Each row: label → value, all text. */
  rows: Record<string, string>[]
}

export interface SubjectAccessBundle {
  centreName: string
  requestId: string
  compiledOn: string
  subject: Record<string, string>
  sections: BundleSection[]
  withheld: WithheldItem[]
}

export interface BundleFacts {
  subject: {
    id: string
    kind: string
    givenName: string
    familyName: string
    dateOfBirth: string | undefined
    relationship: string | undefined
    hasParentalResponsibility: boolean
    mayAttend: boolean
    contactDetails: { address?: string; phone?: string; email?: string }
  }
  familyReference: string
  others: { id: string; kind: string }[]
  referrals: {
    id: string
    receivedOn: string
    status: string
    courtOrder: string | undefined
    events: { at: string; toStatus: string }[]
  }[]
  sessions: {
    id: string
    startsAt: string
    endsAt: string
    status: string
    myArrival: string | undefined
    myDeparture: string | undefined
  }[]
  consents: {
    id: string
    category: string
    recipient: string
    purpose: string
    givenOn: string
    expiresOn: string | undefined
    withdrawnOn: string | undefined
  }[]
  disclosures: {
    id: string
    category: string
    recipient: string
    purpose: string
    requestedAt: string
    status: string
    /** A disclosure made because someone was at risk (EXCEPT). */
    isException: boolean
  }[]
  incidents: { id: string; kind: string; occurredAt: string }[]
  guidance: { id: string }[]
}

/**
 * Builds the bundle from the facts, asking `decideItem` (the policy engine) about each kind
 * of item: what is permitted goes in, what is refused is listed as withheld with the
 * decision's reason and clause.
 */
export function buildSubjectAccessBundle(
  facts: BundleFacts,
  meta: { centreName: string; requestId: string; compiledOn: string },
  decideItem: (item: SubjectAccessItem) => Decision,
): SubjectAccessBundle {
  const withheld: WithheldItem[] = []
  const own = decideItem('own_data')
  const withhold = (item: SubjectAccessItem, recordId: string | undefined, label: string) => {
    const decision = decideItem(item)
    if (decision.effect === 'permit') return false
    withheld.push({
      item: label,
      recordId,
      ground: decision.reasons.join('; '),
      clause: decision.clauses.join(', '),
    })
    return true
  }
  if (own.effect === 'deny') {
    withheld.push({
      item: 'all',
      recordId: undefined,
      ground: own.reasons.join('; '),
      clause: own.clauses.join(', '),
    })
    return { ...meta, subject: {}, sections: [], withheld }
  }
  const s = facts.subject
  const subject: Record<string, string> = {
    'Given name': s.givenName,
    'Family name': s.familyName,
    ...(s.dateOfBirth ? { 'Date of birth': s.dateOfBirth } : {}),
    ...(s.relationship ? { 'Relationship to the children': s.relationship } : {}),
    'Parental responsibility': s.hasParentalResponsibility ? 'yes' : 'no',
    'Named to attend sessions': s.mayAttend ? 'yes' : 'no',
    ...(s.contactDetails.address ? { Address: s.contactDetails.address } : {}),
    ...(s.contactDetails.phone ? { Telephone: s.contactDetails.phone } : {}),
    ...(s.contactDetails.email ? { 'E-mail': s.contactDetails.email } : {}),
    'Family reference': facts.familyReference,
  }
  for (const other of facts.others) {
    const isParent = other.kind === 'resident_parent' || other.kind === 'non_resident_parent'
    if (isParent)
      withhold('other_parent_contact_details', other.id, "the other parent's contact details")
    withhold(
      'third_party_data',
      other.id,
      isParent
        ? "the other parent's details"
        : `details of another person (${other.kind.replaceAll('_', ' ')})`,
    )
  }
  const sections: BundleSection[] = [
    {
      title: 'Referrals',
      rows: facts.referrals.map((r) => ({
        Received: r.receivedOn,
        Status: r.status.replaceAll('_', ' '),
        ...(r.courtOrder ? { 'Court order': r.courtOrder } : {}),
        History: r.events
          .map((e) => `${e.at.slice(0, 10)} ${e.toStatus.replaceAll('_', ' ')}`)
          .join('; '),
      })),
    },
    {
      title: 'Sessions',
      rows: facts.sessions.map((x) => ({
        Date: x.startsAt.slice(0, 10),
        From: x.startsAt.slice(11, 16),
        To: x.endsAt.slice(11, 16),
        Status: x.status.replaceAll('_', ' '),
        ...(x.myArrival ? { 'You arrived': x.myArrival.slice(11, 16) } : {}),
        ...(x.myDeparture ? { 'You left': x.myDeparture.slice(11, 16) } : {}),
      })),
    },
    {
      title: 'Your consents',
      rows: facts.consents.map((c) => ({
        Category: c.category.replaceAll('_', ' '),
        Recipient: c.recipient,
        Purpose: c.purpose.replaceAll('_', ' '),
        Given: c.givenOn,
        ...(c.expiresOn ? { Expires: c.expiresOn } : {}),
        ...(c.withdrawnOn ? { Withdrawn: c.withdrawnOn } : {}),
      })),
    },
    {
      title: 'Information shared or asked for',
      rows: facts.disclosures
        .filter(
          (d) =>
            !d.isException ||
            !withhold('violence_prevention', d.id, 'a disclosure made because someone was at risk'),
        )
        .map((d) => ({
          Asked: d.requestedAt.slice(0, 10),
          Category: d.category.replaceAll('_', ' '),
          Recipient: d.recipient,
          Purpose: d.purpose.replaceAll('_', ' '),
          Outcome: d.status.replaceAll('_', ' '),
        })),
    },
  ]
  const incidentRows: Record<string, string>[] = []
  for (const incident of facts.incidents) {
    if (incident.kind === 'safeguarding_concern') {
      withhold('violence_prevention', incident.id, 'a safeguarding record')
      continue
    }
    incidentRows.push({
      Date: incident.occurredAt.slice(0, 10),
      Kind: incident.kind.replaceAll('_', ' '),
    })
    withhold(
      'third_party_data',
      incident.id,
      'the written account of an incident (it may name others)',
    )
  }
  sections.push({ title: 'Incidents recorded', rows: incidentRows })
  for (const g of facts.guidance)
    withhold('third_party_data', g.id, "a worker's request for guidance (the worker's own words)")
  return { ...meta, subject, sections, withheld }
}

/** The bundle as a document for PDF: the subject, each section, then what was withheld and why. */
export function subjectAccessDocument(bundle: SubjectAccessBundle): OutgoingDocument {
  const blocks: Block[] = [
    { kind: 'paragraph', text: bundle.centreName },
    {
      kind: 'paragraph',
      text: `The information we hold about you, compiled on ${bundle.compiledOn} in answer to your request ${bundle.requestId}.`,
    },
    { kind: 'heading', text: 'About you' },
    { kind: 'list', items: Object.entries(bundle.subject).map(([k, v]) => `${k}: ${v}`) },
  ]
  for (const section of bundle.sections) {
    blocks.push({ kind: 'heading', text: section.title })
    if (section.rows.length === 0) blocks.push({ kind: 'paragraph', text: 'None.' })
    else
      blocks.push({
        kind: 'list',
        items: section.rows.map((row) =>
          Object.entries(row)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; '),
        ),
      })
  }
  blocks.push({ kind: 'heading', text: 'What we have not included, and why' })
  blocks.push(
    bundle.withheld.length === 0
      ? { kind: 'paragraph', text: 'Nothing.' }
      : { kind: 'list', items: bundle.withheld.map((w) => `${w.item}: ${w.ground} (${w.clause})`) },
  )
  return { title: 'Your subject access request', blocks }
}
