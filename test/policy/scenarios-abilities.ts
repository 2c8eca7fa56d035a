import type { Scenario } from './scenarios.ts'

/** The abilities: who may do what, by clause. */
export const ABILITY_SCENARIOS: Scenario[] = []
