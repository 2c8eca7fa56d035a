import type { PolicyDocument, PolicyParameters } from './document.ts'

/**
 * The five seed policies (docs/seeds) as presets. Where a seed is silent, the
 * parameter takes the value named in docs/POLICY.md ("Assumptions"), never a guess hidden
 * in code.
 */
export const PRESET_NAMES = ['cordomus', 'st-marys', 'chichester', 'preston', 'birmingham'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

const common: PolicyParameters = {
  confidentiality: { bound: ['volunteer'], exportRoles: ['coordinator'] },
  guidance: { isExplicit: false, answeredBy: ['coordinator'] },
  reports: { refusedFor: 'family_proceedings' },
  attendance: { nothingElseUnlessException: true },
  contactDetails: {
    isExplicitPermission: false,
    hasRequiredByLaw: false,
    revealRoles: ['coordinator'],
  },
  exceptions: {
    recipients: ['childrens_services', 'police'],
    authorisedBy: ['coordinator'],
    requiresSecondSignOff: true,
    notify: ['chair'],
    concernsVisibleTo: ['coordinator', 'chair'],
  },
  assessments: { approvedBy: ['coordinator'], place: 'premises' },
  checks: {
    kind: 'dbs',
    level: 'standard',
    before: 'starting',
    resultsVisibleTo: ['coordinator', 'chair'],
    renewalMonths: 36,
  },
  security: { secondFactorRoles: ['coordinator', 'chair', 'management', 'staff'] },
  retention: {
    years: 3,
    keptIndefinitely: ['accident_book'],
    approvedBy: ['coordinator', 'chair'],
    isAutomatic: false,
  },
  awareness: { audiences: ['users', 'referrers', 'volunteers', 'staff'], workersSign: false },
  review: { intervalMonths: 12, keepsVersionHistory: false },
  dataProtection: { statement: 'none' },
  subjectAccess: { statement: 'none', hasViolentCrimeExemption: false },
}

const PRESETS: Readonly<Record<PresetName, PolicyDocument>> = {
  cordomus: {
    id: 'cordomus',
    version: 1,
    centreName: 'Cordomus Child Contact Centre',
    basedOn: 'cordomus',
    // The seed is dated April 2014; the others are undated, and their presets say no date.
    adopted: '2014-04-01',
    parameters: common,
  },
  'st-marys': {
    id: 'st-marys',
    version: 1,
    centreName: "St Mary's Contact Centre",
    basedOn: 'st-marys',
    parameters: {
      ...common,
      attendance: { nothingElseUnlessException: false },
      confidentiality: { bound: ['staff'], exportRoles: ['coordinator'] },
      checks: { ...common.checks, before: 'taking_up_post', resultsVisibleTo: ['coordinator'] },
      awareness: { audiences: ['users', 'referrers', 'staff'], workersSign: true },
      dataProtection: { statement: 'by_reference' },
    },
  },
  chichester: {
    id: 'chichester',
    version: 1,
    centreName: 'Chichester Child Contact Centre',
    basedOn: 'chichester',
    parameters: {
      ...common,
      confidentiality: { bound: ['volunteer', 'staff'], exportRoles: ['coordinator'] },
      guidance: { isExplicit: true, answeredBy: ['coordinator'] },
      reports: { refusedFor: 'family_court_proceedings' },
      contactDetails: {
        isExplicitPermission: true,
        hasRequiredByLaw: true,
        revealRoles: ['coordinator'],
      },
      checks: { ...common.checks, before: 'appointment', resultsVisibleTo: ['coordinator'] },
    },
  },
  preston: {
    id: 'preston',
    version: 1,
    centreName: 'Preston Child Contact Centre',
    basedOn: 'preston',
    parameters: {
      ...common,
      checks: { ...common.checks, kind: 'crb' },
      retention: { ...common.retention, keptIndefinitely: [] },
      dataProtection: { statement: 'explicit' },
      subjectAccess: { statement: 'explicit', hasViolentCrimeExemption: true },
    },
  },
  birmingham: {
    id: 'birmingham',
    version: 1,
    centreName: 'Birmingham Child Contact Centre',
    basedOn: 'birmingham',
    parameters: {
      ...common,
      attendance: { nothingElseUnlessException: false },
      exceptions: {
        ...common.exceptions,
        recipients: ['childrens_services', 'police', 'cafcass', 'other_child_agency'],
        notify: ['management'],
        concernsVisibleTo: ['coordinator', 'management'],
      },
      assessments: { approvedBy: ['management'], place: 'contact_rooms' },
      checks: {
        ...common.checks,
        level: 'enhanced',
        before: 'becoming_full_volunteer',
        resultsVisibleTo: ['coordinator', 'management'],
      },
      retention: {
        years: 5,
        keptIndefinitely: ['accident_book', 'referral', 'safeguarding', 'child_protection'],
        reasonKept:
          'children can ask for this information, through their local authority, up to the age of 25',
        approvedBy: ['coordinator', 'management'],
        isAutomatic: false,
      },
      awareness: { audiences: ['users', 'referrers', 'volunteers'], workersSign: false },
      review: { intervalMonths: 12, keepsVersionHistory: true },
      dataProtection: { statement: 'by_reference' },
      subjectAccess: {
        statement: 'by_reference',
        hasViolentCrimeExemption: false,
        childrenMayAskUntilAge: 25,
      },
    },
  },
}

export function isPresetName(value: string): value is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(value)
}

/** A preset, as a fresh copy (callers may change it into a centre's own version). */
export function preset(name: PresetName): PolicyDocument {
  return structuredClone(PRESETS[name])
}
