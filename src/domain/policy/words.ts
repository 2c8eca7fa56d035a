/**
 * The words for the policy's parameters, shared by the rendered policy (AWARE) and the
 * reasons a decision gives, so that both say the same thing in the same way.
 */

/** "a, b and c" */
export const list = (items: readonly string[]): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`

/** "a, b or c" */
export const orList = (items: readonly string[]): string =>
  items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}`

export const ROLE_WORDS: Readonly<Record<string, string>> = {
  coordinator: 'the coordinator',
  chair: 'the Chair of the Management Committee',
  management: 'a member of the Management Team',
  staff: 'staff',
  volunteer: 'volunteers',
  referrer: 'referrers',
  parent: 'parents',
}

export const RECIPIENT_WORDS: Readonly<Record<string, string>> = {
  childrens_services: "Children's Services",
  police: 'the police',
  cafcass: 'CAFCASS',
  other_child_agency: 'other agencies for children',
  referring_agency: 'the referring agency',
  former_partner: 'the former partner',
  other_person: 'another person',
  other_agency: 'another agency',
}

export const CATEGORY_WORDS: Readonly<Record<string, string>> = {
  accident_book: 'the accident book',
  referral: 'referral records',
  safeguarding: 'safeguarding records',
  child_protection: 'child protection records',
  family_record: 'family records',
  session_record: 'session records',
  worker_record: 'worker records',
  check_result: 'check results',
  incident: 'incident records',
  disclosure_register: 'the disclosure register',
  consent: 'consent records',
  guidance_request: 'guidance requests',
}

export const AT_RISK_WORDS: Readonly<Record<string, string>> = {
  users: 'anyone using the centre',
  volunteers: 'a volunteer',
  staff: 'a member of staff',
  coordinator: 'the coordinator',
}

const words =
  (table: Readonly<Record<string, string>>) =>
  (value: string): string =>
    table[value] ?? value.replaceAll('_', ' ')

export const roleWords = words(ROLE_WORDS)
export const recipientWords = words(RECIPIENT_WORDS)
export const categoryWords = words(CATEGORY_WORDS)
export const atRiskWords = words(AT_RISK_WORDS)

/** Roles, any one of whom may act: "the coordinator or the Chair of the Management Committee". */
export const roles = (values: readonly string[]): string => orList(values.map(roleWords))
