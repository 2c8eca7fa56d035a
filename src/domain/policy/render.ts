import { SECOND_FACTOR_ROLES } from './second-factor.ts'
import { escapeText } from '../html-text.ts'
import type { PolicyDocument } from './document.ts'
import type { ClauseId } from './clauses.ts'
import { CATEGORY_WORDS, list, orList, RECIPIENT_WORDS, roles, ROLE_WORDS } from './words.ts'

/**
 * The policy as a document people read (AWARE), written from the parameters in Haven's own
 * words. Where centres differ, the text differs: three or five years, the accident book,
 * enhanced checks, CAFCASS as a recipient, "required by law", who approves an assessment.
 */
export interface PolicyText {
  title: string
  intro: string[]
  items: { clause: ClauseId; heading: string; text: string }[]
  closing: string[]
}

const NUMBERS = [
  'no',
  'one',
  'two',
  'three',
  'four',
  'five',
  'six',
  'seven',
  'eight',
  'nine',
  'ten',
]
const years = (n: number): string => `${NUMBERS[n] ?? String(n)} year${n === 1 ? '' : 's'}`
const GROUP_WORDS: Record<string, string> = {
  ...ROLE_WORDS,
  chair: 'the Chair',
  management: 'the Management Team',
}
/** Roles as a group that all do something: "the coordinator and the Chair". */
const group = (values: readonly string[]): string =>
  list(values.map((role) => GROUP_WORDS[role] ?? role))
/** The words for these roles that are plural in themselves ("staff", "volunteers"). */
const PLURAL_ROLES: readonly string[] = ['staff', 'volunteer', 'referrer', 'parent']
/** The verb for roles that all do something: one role "sees", several "see". */
const verbForAll = (values: readonly string[], one: string, many: string): string =>
  values.length === 1 && !PLURAL_ROLES.includes(values[0] ?? '') ? one : many
/** The verb for roles any one of whom does something: "the coordinator or the Chair has". */
const verbForAny = (values: readonly string[], one: string, many: string): string =>
  PLURAL_ROLES.includes(values.at(-1) ?? '') ? many : one
/** Preston's data protection principles, in its own order and words (docs/seeds). */
const DATA_PROTECTION_PRINCIPLES = [
  'Data must be obtained and processed fairly and lawfully.',
  'Data must be held for lawful purposes.',
  'Data must be adequate, relevant and not excessive.',
  'Data should be accurate and kept up to date.',
  'Data should not be kept longer than is necessary.',
  'Data should be processed in accordance with the rights of the people it is about.',
  'Data must be kept secure.',
  'Data must not be transferred outside the European Economic Area unless exemptions are met.',
]
/** St Mary's opening statements (docs/seeds), before its list; its third is the DPA item. */
const ST_MARYS_OPENING = [
  'We are committed to giving a confidential service to every family that uses the centre, and we believe that confidentiality belongs in every part of our service and its management.',
  "Everyone with a stake in the centre has a right to confidentiality, to protect their interests and the centre's services. We have a duty of care to make sure that no one is put at risk.",
]

export function policyText(policy: PolicyDocument): PolicyText {
  const p = policy.parameters
  const kept = p.retention.keptIndefinitely.map((category) => CATEGORY_WORDS[category] ?? category)
  const checkName =
    p.checks.kind === 'crb'
      ? 'a criminal records check (Criminal Records Bureau, now the DBS)'
      : 'a check by the Disclosure and Barring Service (DBS)'
  const when = {
    starting: 'before they start',
    taking_up_post: 'before taking up post',
    appointment: 'before appointment',
    becoming_full_volunteer:
      'before becoming a full volunteer (until then, a volunteer whose check is under way only shadows a checked worker)',
  }[p.checks.before]
  // SECURE: the roles that see protected data always use a second factor; the policy may add
  // others. Only the added ones are named, so that no role the seed does not name appears.
  const beyondFloor = p.security.secondFactorRoles.filter((r) => !SECOND_FACTOR_ROLES.includes(r))
  const items: PolicyText['items'] = [
    {
      clause: 'NDX',
      heading: 'Keeping family details private',
      text: `Our volunteers and staff do not discuss or pass on anything about a family outside the centre. Family information leaves the centre only through a recorded decision, and only ${roles(p.confidentiality.exportRoles)} can export or print it.`,
    },
    {
      clause: 'GUIDE',
      heading: 'Asking for guidance',
      text: `A worker who needs to talk a situation through asks ${roles(p.guidance.answeredBy)}, privately, inside Haven.`,
    },
    {
      clause: 'NOREPORT',
      heading: 'No reports for court',
      text: `We do not write or give verbal reports for any family proceedings. If asked for information for proceedings, we give the dates and times of attendance at most.`,
    },
    {
      clause: 'ATTEND',
      heading: 'Attendance',
      text: `The agency that referred a family may ask for the dates and times the family attended, cancelled or did not attend. We send these to the agency's verified contact and record that we did.${p.attendance.nothingElseUnlessException ? ' We give referring agencies nothing else, unless one of the exceptions below applies.' : ''}`,
    },
    {
      clause: 'CONTACT',
      heading: "A parent's address and phone number",
      text: `We never give a parent's address or telephone number to anyone, their former partner included, or to any agency, without that parent's ${p.contactDetails.isExplicitPermission ? 'explicit permission, given in writing or in Haven by the parent themselves' : 'permission'}${p.contactDetails.hasRequiredByLaw ? ', unless the law requires it; then we record the legal basis, such as a court order' : ''}. If a parent wants their former partner to have their details, we pass them on only with that parent's own consent naming the former partner and the purpose, and the coordinator confirms that consent before anything is released. Only ${roles(p.contactDetails.revealRoles)} can see them, giving a reason each time.`,
    },
    {
      clause: 'EXCEPT',
      heading: 'When confidentiality must be broken',
      text: `If we believe a child is at risk of harm, or that anyone using the centre or working here (a volunteer, a member of staff or the coordinator) is at risk of physical violence, ${roles(p.exceptions.authorisedBy)} may pass on what is needed to ${orList(p.exceptions.recipients.map((r) => RECIPIENT_WORDS[r] ?? r))}, with a second person agreeing. We record why, when and what was shared${p.exceptions.notify.length > 0 ? `, and tell ${roles(p.exceptions.notify)}` : ''}.`,
    },
    {
      clause: 'ASSESS',
      heading: 'Assessments at the centre',
      text: `Solicitors, CAFCASS officers, social workers and other agencies do not assess families ${p.assessments.place === 'contact_rooms' ? 'in our contact rooms' : 'on our premises'} unless ${roles(p.assessments.approvedBy)} ${verbForAny(p.assessments.approvedBy, 'has', 'have')} agreed to it beforehand.`,
    },
    {
      clause: 'CHECKS',
      heading: 'Checks on our workers',
      text: `Everyone who works with families has ${checkName} at ${p.checks.level === 'enhanced' ? 'the enhanced level' : `the ${p.checks.level} level or higher`}, ${when}, renewed every ${years(Math.round(p.checks.renewalMonths / 12))}. Only ${group(p.checks.resultsVisibleTo)} ${verbForAll(p.checks.resultsVisibleTo, 'sees', 'see')} the results.`,
    },
    {
      clause: 'SECURE',
      heading: 'Keeping information secure',
      text: `All information about families and workers is kept secure: protected details are encrypted, everyone who can see them signs in with a second factor${beyondFloor.length > 0 ? `, and so ${verbForAll(beyondFloor, 'does', 'do')} ${group(beyondFloor)}` : ''}, and every look at protected information is recorded.`,
    },
    {
      clause: 'RETAIN',
      heading: 'How long we keep information',
      text: `Information that has not been used for ${years(p.retention.years)} is destroyed securely${kept.length > 0 ? `, except ${list(kept)}, which we keep indefinitely${p.subjectAccess.childrenMayAskUntilAge ? ` because children can ask for this information up to the age of ${p.subjectAccess.childrenMayAskUntilAge}` : ''}` : ''}.`,
    },
    {
      clause: 'AWARE',
      heading: 'Everyone can read this policy',
      text: `Families using the centre, referrers, volunteers and staff are told about this policy and can read it at any time.${p.awareness.workersSign ? ' Each worker signs each new version.' : ''}`,
    },
    {
      clause: 'REVIEW',
      heading: 'Review',
      text: `We review this policy every ${p.review.intervalMonths === 12 ? 'year' : `${p.review.intervalMonths} months`} and update it when needed, keeping a history of every version.`,
    },
  ]
  items.push(
    {
      clause: 'DPA',
      heading: 'Data protection',
      // Preston states the principles in its own words; the other seeds refer to a separate
      // Data Protection Policy, which Haven does not hold, so the principles are summarised.
      text:
        policy.basedOn === 'preston'
          ? `We keep to these principles of data protection, whether or not we must notify the Information Commissioner: ${DATA_PROTECTION_PRINCIPLES.map((rule, i) => `(${i + 1}) ${rule}`).join(' ')}`
          : 'We collect only what we need, fairly and lawfully; keep it accurate and no longer than necessary; keep it secure; respect the rights of the people it is about; and do not send it abroad without proper safeguards.',
    },
    {
      clause: 'SAR',
      heading: 'Seeing what we hold about you',
      text: `You may ask what information we hold about you, and we will answer within a month.${p.subjectAccess.hasViolentCrimeExemption ? ' Information we hold to prevent violent crime may be withheld.' : ''}${p.subjectAccess.childrenMayAskUntilAge ? ` Children may ask for their information up to the age of ${p.subjectAccess.childrenMayAskUntilAge}.` : ''}`,
    },
  )
  return {
    title: `${policy.centreName}: Confidentiality Policy`,
    intro: [
      `${policy.centreName} knows that contact between children and their families needs strict confidentiality. Everyone who works here keeps to this policy.`,
      ...(policy.basedOn === 'st-marys' ? ST_MARYS_OPENING : []),
    ],
    items,
    closing: [
      `Version ${policy.version}${policy.adopted === undefined ? '' : `, adopted ${policy.adopted}`}.`,
    ],
  }
}

export function renderPolicyMarkdown(policy: PolicyDocument): string {
  const text = policyText(policy)
  return [
    `# ${text.title}`,
    '',
    ...text.intro,
    '',
    ...text.items.map((item, i) => `${i + 1}. **${item.heading}.** ${item.text}`),
    '',
    ...text.closing,
    '',
  ].join('\n')
}

/** A fragment (no <html>): the page that shows it supplies the frame. */
export function renderPolicyHtml(policy: PolicyDocument): string {
  const text = policyText(policy)
  return [
    `<h1>${escapeText(text.title)}</h1>`,
    ...text.intro.map((line) => `<p>${escapeText(line)}</p>`),
    '<ol class="policy">',
    ...text.items.map(
      (item) =>
        `  <li id="clause-${item.clause.toLowerCase()}"><strong>${escapeText(item.heading)}.</strong> ${escapeText(item.text)}</li>`,
    ),
    '</ol>',
    ...text.closing.map((line) => `<p>${escapeText(line)}</p>`),
  ].join('\n')
}
