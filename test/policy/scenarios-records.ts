import type { Scenario } from './scenarios.ts'

const coordinator = { roles: ['coordinator' as const] }

/**
 * Where Haven follows the seeds' own words on records (issue 14): what disposal keeps (RETAIN),
 * what a subject access bundle holds (SAR), where an assessment needs an agreement (ASSESS)
 * and what referring agencies may be given besides attendance (ATTEND).
 */
export const RECORD_SCENARIOS: Scenario[] = [
  // RETAIN: a disclosure made because a child was at risk is a record of child protection, one
  // made because someone was at risk of violence a safeguarding record; Birmingham keeps both.
  [
    "a safeguarding disclosure to Children's Services, its family unused for six years",
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'child_protection', lastUsedOn: '2020-11-20' },
      today: '2026-11-21',
    },
    { birmingham: 'deny:RETAIN', else: 'permit:RETAIN' },
  ],
  [
    'a disclosure made because someone was at risk of violence, six years unused',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'safeguarding', lastUsedOn: '2020-11-20' },
      today: '2026-11-21',
    },
    { birmingham: 'deny:RETAIN', else: 'permit:RETAIN' },
  ],
  [
    'an entry in the register for attendance, six years unused',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'disclosure_register', lastUsedOn: '2020-11-20' },
      today: '2026-11-21',
    },
    'permit:RETAIN',
  ],
]
