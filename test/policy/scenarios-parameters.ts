import type { Scenario } from './scenarios.ts'

const volunteerWith = (
  check: {
    kind: 'dbs' | 'crb'
    level: 'standard' | 'enhanced'
    outcome: 'clear' | 'pending'
  },
  isAlongsideCheckedWorker = false,
) => ({
  action: 'assign' as const,
  actor: { roles: ['coordinator' as const] },
  worker: {
    kind: 'volunteer' as const,
    checks: [{ ...check, issuedOn: '2025-01-01', renewalDueOn: '2028-01-01' }],
    isAcquaintedWithFamily: false,
  },
  isAlongsideCheckedWorker,
  on: '2025-06-01',
})

/** Each parameter of the policy document changing a decision (decision 0025). */
export const PARAMETER_SCENARIOS: Scenario[] = [
  // CHECKS, checks.kind: a CRB certificate counts only where the policy names the CRB (Preston).
  [
    'a volunteer with only a clear standard CRB certificate is put on a session',
    volunteerWith({ kind: 'crb', level: 'standard', outcome: 'clear' }),
    { preston: 'permit:CHECKS', else: 'deny:CHECKS' },
  ],
  [
    'a volunteer with a clear enhanced CRB certificate is put on a session',
    volunteerWith({ kind: 'crb', level: 'enhanced', outcome: 'clear' }),
    { preston: 'permit:CHECKS', else: 'deny:CHECKS' },
  ],
  [
    'a volunteer with a clear enhanced DBS check is put on a session',
    volunteerWith({ kind: 'dbs', level: 'enhanced', outcome: 'clear' }),
    'permit:CHECKS',
  ],
  // CHECKS, checks.before: "prior to becoming a full volunteer" (Birmingham) lets a volunteer
  // whose check is under way shadow a checked worker; before starting, taking up post or
  // appointment (the others) nobody works with families until their check is clear.
  [
    'a volunteer whose enhanced check is pending shadows a checked worker',
    volunteerWith({ kind: 'dbs', level: 'enhanced', outcome: 'pending' }, true),
    { birmingham: 'permit:CHECKS', else: 'deny:CHECKS' },
  ],
  [
    'a volunteer whose enhanced check is pending is put on a session alone',
    volunteerWith({ kind: 'dbs', level: 'enhanced', outcome: 'pending' }),
    'deny:CHECKS',
  ],
  [
    'a volunteer whose check is pending at too low a level shadows a checked worker',
    volunteerWith({ kind: 'dbs', level: 'standard', outcome: 'pending' }, true),
    'deny:CHECKS',
  ],
  [
    'a member of staff whose check is pending shadows a checked worker',
    {
      ...volunteerWith({ kind: 'dbs', level: 'enhanced', outcome: 'pending' }, true),
      worker: {
        kind: 'staff',
        checks: [
          {
            kind: 'dbs',
            level: 'enhanced',
            outcome: 'pending',
            issuedOn: '2025-01-01',
            renewalDueOn: '2028-01-01',
          },
        ],
        isAcquaintedWithFamily: false,
      },
    },
    'deny:CHECKS',
  ],
  // EXCEPT: the second sign-off is not a parameter; no policy lets a disclosure go without it.
  [
    'the coordinator tells the police a child is at risk without a second sign-off',
    {
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'other',
      recipient: { kind: 'police' },
      purpose: 'safeguarding_child',
      atRisk: 'child',
    },
    'deny:EXCEPT',
  ],
]
