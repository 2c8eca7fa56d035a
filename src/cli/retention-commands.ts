import { operatorActor } from '../app/actor.ts'
import { findCentreBySlugOrThrow, listAllCentres } from '../app/centres.ts'
import {
  approveDisposalRun,
  familiesWord,
  previewDisposal,
  startDisposalRun,
  type DisposalPlan,
} from '../app/retention.ts'
import type { CategoryCounts } from '../domain/outward/disposal.ts'
import { categoryWords, roles } from '../domain/policy/words.ts'
import { UsageError, type Command } from './commands.ts'
import { requiredString, withHaven } from './support.ts'

/** Retention and disposal at the machine (RETAIN): the same runs the server makes daily. */
const runCommand: Command = {
  path: ['retention', 'run'],
  summary: 'List what is due for disposal and start a run (approval by the roles the policy names)',
  usage: 'haven retention run [--centre SLUG] [--dry-run] [--json]',
  details: [
    '--centre SLUG   one centre (default: every centre)',
    '--dry-run       list what is due and change nothing',
    '--json          the plan as JSON (ids, dates and counts; no personal data)',
    'Without --dry-run a run waits for approval (in Haven, or `haven retention approve`),',
    'or is carried out at once where the policy makes disposal automatic.',
  ],
  options: {
    centre: { type: 'string' },
    'dry-run': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    return withHaven(io, async (haven) => {
      const centres =
        typeof values.centre === 'string'
          ? [await findCentreBySlugOrThrow(haven.ctx, values.centre)]
          : await listAllCentres(haven.ctx)
      const report: Record<string, unknown>[] = []
      for (const centre of centres) {
        const plan = await previewDisposal(haven.ctx, centre.id)
        if (values['dry-run'] === true) {
          if (values.json === true) report.push({ centre: centre.slug, ...plan })
          else describePlan(centre.slug, plan, io.out)
          continue
        }
        const outcome = await startDisposalRun(haven.ctx, centre.id, undefined)
        if (values.json === true) report.push({ centre: centre.slug, ...outcome })
        else io.out(describeOutcome(centre.slug, outcome, plan))
      }
      if (values.json === true) io.out(JSON.stringify(report, null, 2))
      return 0
    })
  },
}

const approveCommand: Command = {
  path: ['retention', 'approve'],
  centreScopeOnly: 'decides for a centre that its families are destroyed',
  summary: 'Approve a waiting disposal run as the coordinator, and carry it out',
  usage: 'haven retention approve --centre SLUG --run ID --families N',
  details: [
    '--families N    how many families the run destroys, as `haven retention run` says:',
    '                any other number (a family kept out of the run since) is refused',
    'Prints the disposal certificate (counts by category; no personal data) as JSON.',
  ],
  options: { centre: { type: 'string' }, run: { type: 'string' }, families: { type: 'string' } },
  async run(values, _positionals, io) {
    const slug = requiredString(values, 'centre')
    const runId = requiredString(values, 'run')
    const families = requiredString(values, 'families')
    if (!/^\d{1,9}$/.test(families))
      throw new UsageError('--families is the number of families the run destroys')
    return withHaven(io, async (haven) => {
      const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
      const certificate = await approveDisposalRun(haven.ctx, operatorActor(centre.id), runId, {
        familiesToDestroy: Number(families),
      })
      io.out(JSON.stringify(certificate, null, 2))
      return 0
    })
  },
}

const counts = (values: CategoryCounts): string =>
  Object.entries(values)
    .map(([category, n]) => `${categoryWords(category)} ${String(n)}`)
    .join(', ') || 'nothing'

function describePlan(slug: string, plan: DisposalPlan, out: (line: string) => void): void {
  const families = plan.items.filter((i) => i.kind === 'family').length
  out(
    `${slug}: ${String(families)} families and ${String(plan.items.length - families)} other records due on ${plan.asOf} (policy version ${String(plan.policyVersion)})`,
  )
  out(`  destroys: ${counts(plan.destroy)}`)
  out(`  keeps indefinitely: ${counts(plan.keep)}`)
  out(`  on legal hold: ${String(plan.familiesOnHold)} families`)
  out(`  approval: ${plan.approvers === 'automatic' ? 'none (automatic)' : roles(plan.approvers)}`)
  for (const item of plan.items)
    out(
      `  ${item.kind} ${item.id} last used ${item.lastUsedOn}, due ${item.dueOn}: ${counts(item.destroy)}`,
    )
}

function describeOutcome(
  slug: string,
  outcome: Awaited<ReturnType<typeof startDisposalRun>>,
  plan: DisposalPlan,
): string {
  if (outcome.status === 'nothing_due') return `${slug}: nothing is due for disposal`
  const approvers = plan.approvers === 'automatic' ? '' : roles(plan.approvers)
  if (outcome.status === 'completed')
    return `${slug}: run ${outcome.runId ?? ''} destroyed ${String(outcome.due)} items (automatic, as the policy says)`
  return `${slug}: run ${outcome.runId ?? ''} of ${String(outcome.due)} items ${outcome.status === 'unchanged' ? 'still ' : ''}waits for approval by ${approvers}; it destroys the records of ${familiesWord(outcome.familiesToDestroy)} (approve with --families ${String(outcome.familiesToDestroy)})`
}

export const RETENTION_COMMANDS: readonly Command[] = [runCommand, approveCommand]
