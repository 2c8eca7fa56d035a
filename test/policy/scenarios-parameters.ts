import type { Scenario } from './scenarios.ts'

/** Each parameter of the policy document changing a decision. */
export const PARAMETER_SCENARIOS: Scenario[] = []
