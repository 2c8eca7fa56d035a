import type { Scenario } from './scenarios.ts'

/** Where Haven follows the seeds' own words (issue 14): CONTACT with consent, EXCEPT, RETAIN, SAR, ASSESS. */
export const SEED_SCENARIOS: Scenario[] = []
