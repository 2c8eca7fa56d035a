import { ukClock, ukDateOf } from '../calendar.ts'
import type { Decision } from '../policy/decision.ts'
import type { OutgoingDocument, Block } from './documents.ts'

/**
 * A subject access bundle (SAR; UK GDPR Art. 15): the subject's own data, section by section,
 * and a list of what was withheld, each with its ground and clause. Every item is the engine's
 * own decision, record by record: third parties' data (the other parent, the children,
 * workers' words, the written accounts of incidents, which may name others) is withheld by
 * default; the other parent's contact details never appear (CONTACT); a safeguarding record
 * (a concern, a disclosure made because a child was at risk) names others too and is withheld,
 * except from a child of the family up to the age the policy names (Birmingham: 25); records
 * held to prevent violent crime (a disclosure made because someone was at risk of violence)
 * are withheld only where the policy has that exemption (Preston; DPA 2018 Sch. 2 para. 2).
 * A withheld item released after review, with a reason, goes in.
 */
export type SubjectAccessItem =
  | 'own_data'
  | 'other_parent_contact_details'
  | 'third_party_data'
  | 'violence_prevention'
  | 'safeguarding_record'

export interface WithheldItem {
  item: string
  recordId: string | undefined
  ground: string
  clause: string
  /** The kind of item the engine was asked about (what a release is decided for). */
  kind: SubjectAccessItem
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
  others: { id: string; kind: string; givenName: string; familyName: string }[]
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
  incidents: { id: string; kind: string; occurredAt: string; summary: string }[]
  guidance: { id: string; question: string }[]
}

/** The kind of item an exception disclosure is: child protection, or preventing violence. */
function exceptionItem(purpose: string): SubjectAccessItem {
  return purpose === 'risk_of_violence' ? 'violence_prevention' : 'safeguarding_record'
}

/**
 * Builds the bundle from the facts, asking `decideItem` (the policy engine) about each item,
 * record by record: what is permitted goes in, what is refused is listed as withheld with the
 * decision's reason and clause.
 */
export function buildSubjectAccessBundle(
  facts: BundleFacts,
  meta: { centreName: string; requestId: string; compiledOn: string },
  decideItem: (item: SubjectAccessItem, recordId?: string) => Decision,
): SubjectAccessBundle {
  const withheld: WithheldItem[] = []
  const own = decideItem('own_data')
  /** Asks about one record: true if it goes in, otherwise it is listed as withheld. */
  const isReleased = (kind: SubjectAccessItem, recordId: string, label: string): boolean => {
    const decision = decideItem(kind, recordId)
    if (decision.effect === 'permit') return true
    withheld.push({
      item: label,
      recordId,
      ground: decision.reasons.join('; '),
      clause: decision.clauses.join(', '),
      kind,
    })
    return false
  }
  if (own.effect === 'deny') {
    withheld.push({
      item: 'all',
      recordId: undefined,
      ground: own.reasons.join('; '),
      clause: own.clauses.join(', '),
      kind: 'own_data',
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
  const otherPeople: Record<string, string>[] = []
  for (const other of facts.others) {
    const isParent = other.kind === 'resident_parent' || other.kind === 'non_resident_parent'
    if (isParent) {
      // Never released (CONTACT): asked only to record why it is not there.
      const decision = decideItem('other_parent_contact_details', other.id)
      if (decision.effect === 'deny')
        withheld.push({
          item: "the other parent's contact details",
          recordId: other.id,
          ground: decision.reasons.join('; '),
          clause: decision.clauses.join(', '),
          kind: 'other_parent_contact_details',
        })
    }
    const label = isParent
      ? "the other parent's details"
      : `details of another person (${other.kind.replaceAll('_', ' ')})`
    if (isReleased('third_party_data', other.id, label))
      otherPeople.push({
        Name: `${other.givenName} ${other.familyName}`.trim(),
        Kind: other.kind.replaceAll('_', ' '),
      })
  }
  const sections: BundleSection[] = [
    {
      title: 'Referrals',
      rows: facts.referrals.map((r) => ({
        Received: r.receivedOn,
        Status: r.status.replaceAll('_', ' '),
        ...(r.courtOrder ? { 'Court order': r.courtOrder } : {}),
        History: r.events
          .map((e) => `${ukDateOf(e.at)} ${e.toStatus.replaceAll('_', ' ')}`)
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
        ...(x.myArrival ? { 'You arrived': ukClock(x.myArrival) } : {}),
        ...(x.myDeparture ? { 'You left': ukClock(x.myDeparture) } : {}),
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
            isReleased(
              exceptionItem(d.purpose),
              d.id,
              d.purpose === 'risk_of_violence'
                ? 'a disclosure made because someone was at risk of violence'
                : 'a disclosure made because a child was at risk',
            ),
        )
        .map((d) => ({
          Asked: ukDateOf(d.requestedAt),
          Category: d.category.replaceAll('_', ' '),
          Recipient: d.recipient,
          Purpose: d.purpose.replaceAll('_', ' '),
          Outcome: d.status.replaceAll('_', ' '),
        })),
    },
  ]
  const incidentRows: Record<string, string>[] = []
  for (const incident of facts.incidents) {
    const row = {
      Date: incident.occurredAt.slice(0, 10),
      Kind: incident.kind.replaceAll('_', ' '),
    }
    if (incident.kind === 'safeguarding_concern') {
      if (isReleased('safeguarding_record', incident.id, 'a safeguarding record'))
        incidentRows.push({ ...row, Account: incident.summary })
      continue
    }
    incidentRows.push(
      isReleased(
        'third_party_data',
        incident.id,
        'the written account of an incident (it may name others)',
      )
        ? { ...row, Account: incident.summary }
        : row,
    )
  }
  sections.push({ title: 'Incidents recorded', rows: incidentRows })
  const guidanceRows = facts.guidance
    .filter((g) =>
      isReleased(
        'third_party_data',
        g.id,
        "a worker's request for guidance (the worker's own words)",
      ),
    )
    .map((g) => ({ Question: g.question }))
  if (guidanceRows.length > 0)
    sections.push({ title: "Workers' requests for guidance", rows: guidanceRows })
  if (otherPeople.length > 0)
    sections.push({ title: 'Other people in the family', rows: otherPeople })
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
