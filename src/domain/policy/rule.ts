import type { Role } from '../roles.ts'
import type { ClauseId } from './clauses.ts'
import type { Obligation } from './decision.ts'
import type { PolicyParameters } from './document.ts'
import type { Action, PolicyRequest, ResourceType } from './request.ts'

/**
 * One clause's rule for one action: permit or forbid. `evaluate` returns undefined when the
 * rule does not apply, or a match (with the reason, for a forbid). Rules are indexed by
 * action and resource type (`resources`, or every resource when absent).
 */
export interface Rule {
  clause: ClauseId
  action: Action
  resources?: readonly ResourceType[]
  effect: 'permit' | 'forbid'
  /** What the rule says, for docs/POLICY.md and the coverage test. */
  says: string
  evaluate(request: PolicyRequest, parameters: PolicyParameters): { reason?: string } | undefined
  obligations?(request: PolicyRequest, parameters: PolicyParameters): Obligation[]
  redact?(request: PolicyRequest, parameters: PolicyParameters): string[]
}

export const WORKER_ROLES: readonly Role[] = ['coordinator', 'staff', 'volunteer']

export function hasAnyRole(roles: readonly Role[], wanted: readonly Role[]): boolean {
  return roles.some((role) => wanted.includes(role))
}

/** The roles in words, any one of whom may act: "the coordinator or a member of the Management Team". */
export { roles as names } from './words.ts'

export const match = (reason?: string): { reason?: string } =>
  reason === undefined ? {} : { reason }

/** The request shapes whose action may be A (some shapes serve two actions). */
type Serving<R, A> = R extends { action: infer X } ? (A extends X ? R : never) : never
type RequestOf<A extends Action> = Serving<PolicyRequest, A>

/** A rule written for one action, its request already narrowed to that action's shape. */
export type RuleFor<A extends Action> = Omit<
  Rule,
  'action' | 'evaluate' | 'obligations' | 'redact'
> & {
  evaluate: (request: RequestOf<A>, parameters: PolicyParameters) => { reason?: string } | undefined
  obligations?: (request: RequestOf<A>, parameters: PolicyParameters) => Obligation[]
  redact?: (request: RequestOf<A>, parameters: PolicyParameters) => string[]
}

/**
 * Makes a rule for one action. The engine's index only ever hands it that action's
 * requests; the check here narrows the type once, instead of in every rule.
 */
export function ruleFor<A extends Action>(action: A, rule: RuleFor<A>): Rule {
  const isFor = (r: PolicyRequest): r is RequestOf<A> => r.action === action
  const { evaluate, obligations, redact } = rule
  return {
    ...rule,
    action,
    evaluate: (r, p) => (isFor(r) ? evaluate(r, p) : undefined),
    ...(obligations
      ? {
          obligations: (r: PolicyRequest, p: PolicyParameters) =>
            isFor(r) ? obligations(r, p) : [],
        }
      : {}),
    ...(redact
      ? { redact: (r: PolicyRequest, p: PolicyParameters) => (isFor(r) ? redact(r, p) : []) }
      : {}),
  }
}
