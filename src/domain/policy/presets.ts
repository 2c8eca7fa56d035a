import type { PolicyDocument, PolicyParameters } from './document.ts'

/**
 * The five seed policies (docs/seeds) as presets. Where a seed is silent, the
 * parameter takes the value named in docs/POLICY.md ("Assumptions"), never a guess hidden
 * in code.
 */
export const PRESET_NAMES = ['cordomus', 'st-marys', 'chichester', 'preston', 'birmingham'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

const common: PolicyParameters = {
  confidentiality: { exportRoles: ['coordinator'] },
  guidance: { answeredBy: ['coordinator'] },
  attendance: { nothingElseUnlessException: true },
  contactDetails: {
    isExplicitPermission: false,
    hasRequiredByLaw: false,
    revealRoles: ['coordinator'],
  },
  exceptions: {
    recipients: ['childrens_services', 'police'],
    authorisedBy: ['coordinator'],
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
  awareness: { workersSign: false },
  review: { intervalMonths: 12 },
  subjectAccess: { hasViolentCrimeExemption: false },
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
      // The seed names no Chair: nobody is told but the coordinator, who alone sees concerns and
      // approves disposal (docs/POLICY.md, assumptions).
      exceptions: { ...common.exceptions, notify: [], concernsVisibleTo: ['coordinator'] },
      retention: { ...common.retention, approvedBy: ['coordinator'] },
      checks: { ...common.checks, before: 'taking_up_post', resultsVisibleTo: ['coordinator'] },
      awareness: { workersSign: true },
    },
  },
  chichester: {
    id: 'chichester',
    version: 1,
    centreName: 'Chichester Child Contact Centre',
    basedOn: 'chichester',
    parameters: {
      ...common,
      contactDetails: {
        isExplicitPermission: true,
        hasRequiredByLaw: true,
        revealRoles: ['coordinator'],
      },
      // The seed names no Chair: nobody is told but the coordinator, who alone sees concerns and
      // approves disposal (docs/POLICY.md, assumptions).
      exceptions: { ...common.exceptions, notify: [], concernsVisibleTo: ['coordinator'] },
      retention: { ...common.retention, approvedBy: ['coordinator'] },
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
      subjectAccess: { hasViolentCrimeExemption: true },
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
        approvedBy: ['coordinator', 'management'],
        isAutomatic: false,
      },
      subjectAccess: { hasViolentCrimeExemption: false, childrenMayAskUntilAge: 25 },
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
