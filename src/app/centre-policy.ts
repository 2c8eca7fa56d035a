import { ukDateOf, ukToday } from '../domain/calendar.ts'
import { HavenError } from '../domain/errors.ts'
import {
  upgradeStoredPolicy,
  validatePolicy,
  type PolicyDocument,
  type PolicyProblem,
} from '../domain/policy/document.ts'
import { decisionsThatChange, type DecisionChange } from '../domain/policy/preview.ts'
import { compilePolicy, decide, policyHash } from '../domain/policy/engine.ts'
import { isPresetName, preset, type PresetName } from '../domain/policy/presets.ts'
import { describeChanges, isReviewOverdue, nextReviewDue } from '../domain/policy/review.ts'
import type { Centre } from '../storage/centres.ts'
import type { Db } from '../storage/database.ts'
import {
  findLatestPolicyVersion,
  insertPolicyReview,
  insertPolicyVersion,
  listPolicyReviews,
  listPolicyVersions,
} from '../storage/policies.ts'
import { OPERATOR_ID, type Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'

/**
 * A centre's policy in use (REVIEW, AWARE): versions are published and never changed; a
 * review is recorded even when nothing changes; the next review falls due after the
 * policy's interval; versions can be compared in words.
 */
export interface CurrentPolicy {
  document: PolicyDocument
  version: number
  hash: string
  publishedAt: string
  lastReviewedOn: string
  nextReviewDue: string
  isReviewOverdue: boolean
}

/** Version 1 of a new centre's policy: a preset in the centre's name. */
export async function adoptPreset(
  ctx: AppContext,
  trx: Db,
  centre: Centre,
  name: PresetName,
  actorId: string | undefined,
): Promise<void> {
  const document: PolicyDocument = {
    ...preset(name),
    id: centre.slug,
    centreName: centre.name,
    version: 1,
    adopted: ukToday(ctx.now()),
  }
  await insertPolicyVersion(trx, {
    centreId: centre.id,
    version: 1,
    document,
    hash: policyHash(document),
    publishedAt: ctx.now().toISOString(),
    publishedBy: actorId,
  })
}

export function parsePresetName(value: string | undefined): PresetName {
  const name = value ?? 'cordomus'
  if (!isPresetName(name))
    throw new HavenError(
      'invalid_input',
      `preset must be one of cordomus, st-marys, chichester, preston, birmingham`,
      'preset',
    )
  return name
}

export async function currentPolicy(ctx: AppContext, centreId: string): Promise<CurrentPolicy> {
  return inCentre(ctx, centreId, async (trx) => {
    const latest = await findLatestPolicyVersion(trx, centreId)
    if (!latest) throw new HavenError('not_found', 'this centre has no policy yet')
    const validated = validatePolicy(upgradeStoredPolicy(latest.document))
    if (!validated.ok) throw new HavenError('internal', 'the stored policy does not validate')
    const reviews = await listPolicyReviews(trx, centreId)
    const lastReviewedOn = reviews.at(-1)?.reviewedOn ?? ukDateOf(latest.publishedAt)
    const reviewedOn =
      lastReviewedOn > ukDateOf(latest.publishedAt) ? lastReviewedOn : ukDateOf(latest.publishedAt)
    const interval = validated.policy.parameters.review.intervalMonths
    return {
      document: validated.policy,
      version: latest.version,
      hash: latest.hash,
      publishedAt: latest.publishedAt,
      lastReviewedOn: reviewedOn,
      nextReviewDue: nextReviewDue(reviewedOn, interval),
      isReviewOverdue: isReviewOverdue(reviewedOn, interval, ukToday(ctx.now())),
    }
  })
}

function assertPermitted(
  current: CurrentPolicy,
  actor: Actor,
  action: 'publish_policy' | 'record_review',
): void {
  const decision = decide(compilePolicy(current.document), {
    action,
    actor: { roles: actor.roles, relationship: 'none', hasSecondFactor: true },
  })
  if (decision.effect === 'deny')
    throw new HavenError(
      'forbidden',
      `${decision.reasons.join('; ')} (${decision.clauses.join(', ')})`,
    )
}

/**
 * Publishes a new version. The document must validate, and name the next version number
 * (so two people editing at once cannot overwrite each other: the second gets a conflict).
 */
export async function publishPolicy(
  ctx: AppContext,
  actor: Actor,
  document: unknown,
): Promise<{ version: number; changes: string[] }> {
  const validated = validatePolicy(document)
  if (!validated.ok) {
    const first = validated.problems[0]
    throw new HavenError(
      'invalid_input',
      `${first?.path ?? ''}: ${first?.message ?? ''}`,
      first?.path,
    )
  }
  const current = await currentPolicy(ctx, actor.centreId)
  assertPermitted(current, actor, 'publish_policy')
  if (validated.policy.version !== current.version + 1) {
    throw new HavenError(
      'conflict',
      `the new version must be ${current.version + 1}; version ${current.version} is the latest`,
      'version',
    )
  }
  const changes = describeChanges(current.document, validated.policy)
  const now = ctx.now()
  await inCentre(ctx, actor.centreId, async (trx) => {
    await insertPolicyVersion(trx, {
      centreId: actor.centreId,
      version: validated.policy.version,
      document: validated.policy,
      hash: policyHash(validated.policy),
      publishedAt: now.toISOString(),
      publishedBy: actor.accountId,
    })
    await insertPolicyReview(trx, {
      id: ctx.newId(),
      centreId: actor.centreId,
      version: validated.policy.version,
      reviewedOn: ukToday(now),
      reviewedBy: actor.accountId,
      outcome: 'new_version',
      notes: `${changes.length} change(s)`,
    })
    await recordEvent(trx, {
      type: 'policy.published',
      at: now,
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { version: validated.policy.version, changes: changes.length },
    })
  })
  return { version: validated.policy.version, changes }
}

/**
 * The "check your changes" step (REVIEW): a new version's document, validated against the
 * schema and the clauses' invariants, with what it changes in words and the decisions that
 * would differ from the version in force. Nothing is stored.
 */
export async function previewPolicyChange(
  ctx: AppContext,
  actor: Actor,
  document: unknown,
): Promise<
  | { ok: false; problems: PolicyProblem[] }
  | { ok: true; document: PolicyDocument; changes: string[]; decisions: DecisionChange[] }
> {
  const current = await currentPolicy(ctx, actor.centreId)
  assertPermitted(current, actor, 'publish_policy')
  const validated = validatePolicy(document)
  if (!validated.ok) return validated
  if (validated.policy.version !== current.version + 1)
    throw new HavenError(
      'conflict',
      `someone published version ${String(current.version)} since you opened this page; check it and try again`,
      'version',
    )
  return {
    ok: true,
    document: validated.policy,
    changes: describeChanges(current.document, validated.policy),
    decisions: decisionsThatChange(current.document, validated.policy, ukToday(ctx.now())),
  }
}

/** Records a review that found nothing to change; the next review falls due from today. */
/**
 * Moves the centre to one of the five presets as its next version (REVIEW): the preset's
 * parameters under the centre's own id and name, published like any other version.
 */
export async function publishPreset(
  ctx: AppContext,
  actor: Actor,
  name: string,
): Promise<{ version: number; changes: string[] }> {
  const presetName = parsePresetName(name)
  const current = await currentPolicy(ctx, actor.centreId)
  return publishPolicy(ctx, actor, {
    ...preset(presetName),
    id: current.document.id,
    centreName: current.document.centreName,
    version: current.version + 1,
    adopted: ukToday(ctx.now()),
  })
}

export async function recordPolicyReview(
  ctx: AppContext,
  actor: Actor,
  notes: string,
): Promise<{ nextReviewDue: string }> {
  const current = await currentPolicy(ctx, actor.centreId)
  assertPermitted(current, actor, 'record_review')
  const now = ctx.now()
  const today = ukToday(now)
  await inCentre(ctx, actor.centreId, async (trx) => {
    await insertPolicyReview(trx, {
      id: ctx.newId(),
      centreId: actor.centreId,
      version: current.version,
      reviewedOn: today,
      reviewedBy: actor.accountId,
      outcome: 'unchanged',
      notes: notes.trim().slice(0, 2000),
    })
    await recordEvent(trx, {
      type: 'policy.reviewed',
      at: now,
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { version: current.version },
    })
  })
  return { nextReviewDue: nextReviewDue(today, current.document.parameters.review.intervalMonths) }
}

export interface PolicyHistoryEntry {
  version: number
  publishedAt: string
  hash: string
  changes: string[]
}

/** Every version with what changed from the one before, and every review. */
export async function policyHistory(
  ctx: AppContext,
  centreId: string,
): Promise<{
  versions: PolicyHistoryEntry[]
  reviews: { version: number; reviewedOn: string; outcome: string; notes: string }[]
}> {
  return inCentre(ctx, centreId, async (trx) => {
    const versions = await listPolicyVersions(trx, centreId)
    const documents = versions.map((v) => validatePolicy(upgradeStoredPolicy(v.document)))
    const entries = versions.map((version, i) => {
      const before = documents[i - 1]
      const after = documents[i]
      const changes = before?.ok && after?.ok ? describeChanges(before.policy, after.policy) : []
      return {
        version: version.version,
        publishedAt: version.publishedAt,
        hash: version.hash,
        changes,
      }
    })
    const reviews = (await listPolicyReviews(trx, centreId)).map((r) => ({
      version: r.version,
      reviewedOn: r.reviewedOn,
      outcome: r.outcome,
      notes: r.notes,
    }))
    return { versions: entries, reviews }
  })
}

/**
 * The operator moves a centre to a preset as its next version, at the machine (`haven policy
 * adopt`): the way back for a centre whose stored policy no longer validates (a custom policy
 * that breaks an invariant added since it was published fails closed, so its pages refuse
 * everything). Only the stored version's number is read; the preset carries the centre's own
 * id and name. Audited as the operator. `onlyWhenBroken`: the operator of an installation
 * hosting several centres (decision 0047) may do it only for that way back; a centre whose
 * policy is in force and valid changes it itself, since retention and sharing are its choice.
 */
export async function adoptPresetAtMachine(
  ctx: AppContext,
  centre: Centre,
  name: string,
  options: { onlyWhenBroken?: boolean } = {},
): Promise<{ version: number }> {
  const presetName = parsePresetName(name)
  return inCentre(ctx, centre.id, async (trx) => {
    const latest = await findLatestPolicyVersion(trx, centre.id)
    if (
      options.onlyWhenBroken === true &&
      latest !== undefined &&
      validatePolicy(upgradeStoredPolicy(latest.document)).ok
    )
      throw new HavenError(
        'forbidden',
        `the policy of "${centre.slug}" is in force and valid: its coordinator changes it in Haven. The installation's operator adopts a preset only for a centre whose stored policy no longer validates`,
      )
    const version = (latest?.version ?? 0) + 1
    const now = ctx.now()
    const document: PolicyDocument = {
      ...preset(presetName),
      id: centre.slug,
      centreName: centre.name,
      version,
      adopted: ukToday(now),
    }
    await insertPolicyVersion(trx, {
      centreId: centre.id,
      version,
      document,
      hash: policyHash(document),
      publishedAt: now.toISOString(),
      publishedBy: OPERATOR_ID,
    })
    await insertPolicyReview(trx, {
      id: ctx.newId(),
      centreId: centre.id,
      version,
      reviewedOn: ukToday(now),
      reviewedBy: OPERATOR_ID,
      outcome: 'new_version',
      notes: `preset ${presetName} adopted at the machine`,
    })
    await recordEvent(trx, {
      type: 'policy.published',
      at: now,
      centreId: centre.id,
      actorId: OPERATOR_ID,
      details: { version, preset: presetName },
    })
    return { version }
  })
}
