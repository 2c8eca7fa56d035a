import { loadConfig } from '../config.ts'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { validatePolicy, type PolicyDocument } from '../domain/policy/document.ts'
import { compilePolicy, decide } from '../domain/policy/engine.ts'
import { isPresetName, preset, PRESET_NAMES } from '../domain/policy/presets.ts'
import { renderPolicyHtml, renderPolicyMarkdown } from '../domain/policy/render.ts'
import { policyRequest } from '../domain/policy/request.ts'
import { findCentreBySlugOrThrow } from '../app/centres.ts'
import { adoptPresetAtMachine } from '../app/centre-policy.ts'
import { UsageError, type CliIo, type Command } from './commands.ts'
import { requiredString, withHaven } from './support.ts'

/**
 * `haven policy …`: the policy engine from the command line (docs/POLICY.md). Pure, but for
 * `adopt`: these commands read a preset or a file and touch no database.
 */
function source(positionals: string[]): string {
  const name = positionals[0]
  if (name === undefined) throw new UsageError('name a preset or a policy file')
  return name
}

function readJsonFile(file: string, cwd: string): unknown {
  let text: string
  try {
    text = readFileSync(path.resolve(cwd, file), 'utf8')
  } catch (error) {
    throw new Error(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}`,
      { cause: error },
    )
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new Error(`${file} is not JSON`)
  }
}

/** A preset by name, or a policy file (validated; the first problem stops it). */
function loadPolicy(name: string, cwd: string): PolicyDocument {
  if (isPresetName(name)) return preset(name)
  const validated = validatePolicy(readJsonFile(name, cwd))
  if (!validated.ok) {
    const first = validated.problems[0]
    throw new Error(
      `${name} is not a valid policy: ${first?.path ?? ''}: ${first?.message ?? ''} (haven policy check lists every problem)`,
    )
  }
  return validated.policy
}

const presetsCommand: Command = {
  path: ['policy', 'presets'],
  summary: 'List the preset policies, one per seed centre',
  usage: 'haven policy presets',
  details: [],
  options: {},
  run(_values, _positionals, io) {
    for (const name of PRESET_NAMES) io.out(`${name}\t${preset(name).centreName}`)
    return Promise.resolve(0)
  },
}

const showCommand: Command = {
  path: ['policy', 'show'],
  summary: "A policy's parameters as JSON",
  usage: 'haven policy show <preset|file>',
  details: [`Presets: ${PRESET_NAMES.join(', ')}.`],
  options: {},
  positionals: 1,
  run(_values, positionals, io) {
    io.out(JSON.stringify(loadPolicy(source(positionals), io.cwd), null, 2))
    return Promise.resolve(0)
  },
}

const renderCommand: Command = {
  path: ['policy', 'render'],
  summary: 'The policy as a document, in plain English',
  usage: 'haven policy render <preset|file> [--format md|html]',
  details: ['--format md|html   Markdown (default) or an HTML fragment'],
  options: { format: { type: 'string' } },
  positionals: 1,
  run(values, positionals, io) {
    const format = values.format ?? 'md'
    if (format !== 'md' && format !== 'html') throw new UsageError('--format must be md or html')
    const policy = loadPolicy(source(positionals), io.cwd)
    io.out(format === 'md' ? renderPolicyMarkdown(policy) : renderPolicyHtml(policy))
    return Promise.resolve(0)
  },
}

const checkCommand: Command = {
  path: ['policy', 'check'],
  summary: 'Validate a policy file; names the path of every problem',
  usage: 'haven policy check <file>',
  details: [],
  options: {},
  positionals: 1,
  run(_values, positionals, io) {
    const file = source(positionals)
    const validated = validatePolicy(readJsonFile(file, io.cwd))
    if (validated.ok) {
      io.out(
        `${file} is a valid policy (${validated.policy.id}, version ${validated.policy.version}).`,
      )
      return Promise.resolve(0)
    }
    for (const problem of validated.problems) io.err(`${file}: ${problem.path}: ${problem.message}`)
    return Promise.resolve(1)
  },
}

const decideCommand: Command = {
  path: ['policy', 'decide'],
  summary: 'Decide requests read from standard input (one JSON request, or JSON lines)',
  usage: 'haven policy decide <preset|file> < requests.jsonl',
  details: [
    'Prints one JSON decision per request; an invalid request prints {"error": …} and the exit code is 1.',
  ],
  options: {},
  positionals: 1,
  async run(_values, positionals, io) {
    const compiled = compilePolicy(loadPolicy(source(positionals), io.cwd))
    return decideAll(compiled, await io.readStdin(), io)
  },
}

function decideAll(compiled: ReturnType<typeof compilePolicy>, input: string, io: CliIo): number {
  const texts = splitRequests(input)
  if (texts.length === 0) throw new UsageError('no request on standard input')
  let failed = false
  for (const text of texts) {
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      io.out(JSON.stringify({ error: { code: 'invalid_input', message: 'not JSON' } }))
      failed = true
      continue
    }
    const request = policyRequest.safeParse(parsed)
    if (!request.success) {
      const issue = request.error.issues[0]
      io.out(
        JSON.stringify({
          error: {
            code: 'invalid_input',
            message: issue?.message ?? 'invalid',
            field: issue?.path.map(String).join('.') ?? '',
          },
        }),
      )
      failed = true
      continue
    }
    io.out(JSON.stringify(decide(compiled, request.data)))
  }
  return failed ? 1 : 0
}

/** One JSON document (which may span lines), or one request per line. */
function splitRequests(input: string): string[] {
  const trimmed = input.trim()
  if (trimmed === '') return []
  try {
    JSON.parse(trimmed)
    return [trimmed]
  } catch {
    return trimmed
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '')
  }
}

const adoptCommand: Command = {
  path: ['policy', 'adopt'],
  summary: 'Move a centre to a preset as its next policy version (audited as the operator)',
  usage: 'haven policy adopt --centre SLUG <preset>',
  details: [
    `Presets: ${PRESET_NAMES.join(', ')}.`,
    'The way back for a centre whose stored policy no longer validates: its pages refuse',
    'everything until a valid version is in force (the policy fails closed).',
    "With HAVEN_OPERATOR_SCOPE=installation only then: a valid policy is the centre's to change.",
  ],
  options: { centre: { type: 'string' } },
  positionals: 1,
  async run(values, positionals, io) {
    const slug = requiredString(values, 'centre')
    const name = source(positionals)
    if (!isPresetName(name))
      throw new UsageError(`name one of the presets: ${PRESET_NAMES.join(', ')}`)
    return withHaven(io, async (haven) => {
      const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
      const { version } = await adoptPresetAtMachine(haven.ctx, centre, name, {
        onlyWhenBroken: loadConfig(io.env, io.cwd).operatorScope === 'installation',
      })
      io.out(`${slug}: version ${String(version)} in force, the ${name} preset`)
      return 0
    })
  },
}

export const POLICY_COMMANDS: readonly Command[] = [
  presetsCommand,
  showCommand,
  renderCommand,
  checkCommand,
  decideCommand,
  adoptCommand,
]
