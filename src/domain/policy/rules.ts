import { ABILITY_RULES, ACTOR_RULES } from './abilities.ts'
import { DISCLOSURE_RULES } from './disclosure-rules.ts'
import { OTHER_RULES } from './other-rules.ts'
import { READ_RULES } from './read-rules.ts'
import type { Rule } from './rule.ts'

export type { Rule }

/** Every rule of the engine; each names the clause it enforces. */
export const RULES: readonly Rule[] = [
  ...READ_RULES,
  ...DISCLOSURE_RULES,
  ...OTHER_RULES,
  ...ABILITY_RULES,
  ...ACTOR_RULES,
]
