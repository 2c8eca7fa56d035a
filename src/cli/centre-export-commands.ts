import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs'
import path from 'node:path'
import { operatorActor } from '../app/actor.ts'
import { publicKeyFromPem } from '../app/audit-keys.ts'
import { findCentreBySlugOrThrow } from '../app/centres.ts'
import { prepareCentreExport } from '../app/centre-export.ts'
import { verifyCentreExport } from '../app/centre-export-verify.ts'
import { HavenError } from '../domain/errors.ts'
import { UsageError, type Command } from './commands.ts'
import { requiredString, withHaven } from './support.ts'

/**
 * A centre's export when it leaves the installation, and its check (docs/decisions/0046;
 * docs/OPERATING.md, "When a centre leaves").
 */
const exportCommand: Command = {
  path: ['centre', 'export'],
  summary: "Write a centre's export: its records, contact details opened, and its audit chain",
  usage: 'haven centre export --centre SLUG --out FILE',
  details: [
    '--out FILE   where to write it (JSON lines; made private to this user, 0600; not overwritten)',
    'The export holds every family of the centre with contact details in clear: keep it as',
    'safe as a backup, hand it over in person or encrypted, and delete it once received.',
    "It is recorded in the centre's audit log; check it with `haven centre verify-export`.",
  ],
  centreScopeOnly: "reads and writes out a centre's families",
  options: { centre: { type: 'string' }, out: { type: 'string' } },
  async run(values, _positionals, io) {
    const slug = requiredString(values, 'centre')
    const out = path.resolve(io.cwd, requiredString(values, 'out'))
    if (existsSync(out)) throw new UsageError(`${out} exists already: name a new file`)
    return withHaven(io, async (haven) => {
      const centre = await findCentreBySlugOrThrow(haven.ctx, slug)
      const temporary = `${out}.partial`
      let fd: number
      try {
        rmSync(temporary, { force: true })
        // 'wx': an export is never written over another file, and is private from its first byte.
        fd = openSync(temporary, 'wx', 0o600)
      } catch {
        throw new HavenError('invalid_input', `cannot write ${temporary}`)
      }
      try {
        const prepared = await prepareCentreExport(haven.ctx, operatorActor(centre.id))
        const summary = await prepared.writeTo((text) => {
          writeSync(fd, text)
          return Promise.resolve()
        })
        fsyncSync(fd)
        closeSync(fd)
        fd = -1
        renameSync(temporary, out)
        io.out(
          `Exported ${slug} to ${out}: ${String(summary.rows)} rows of ${String(summary.tables)} tables, ${String(summary.entries)} audit entries, ${String(summary.checkpoints)} checkpoints.`,
        )
        io.out(
          'It holds contact details in clear: keep it safe, and check it with haven centre verify-export.',
        )
        return 0
      } finally {
        if (fd !== -1) {
          closeSync(fd)
          rmSync(temporary, { force: true })
        }
      }
    })
  },
}

const verifyCommand: Command = {
  path: ['centre', 'verify-export'],
  summary: "Check a centre's export on its own: counts, audit chain, checkpoints, signature",
  usage: 'haven centre verify-export FILE [--public-key FILE]',
  details: [
    '--public-key FILE   the audit public key (PEM) to check with, as `haven audit',
    '                    export-checkpoints` printed it; default: the key in the export, which',
    '                    shows the file is whole but not who made it',
    'Reads no database. Exit 1, naming the first problem, when anything does not hold.',
  ],
  positionals: 1,
  options: { 'public-key': { type: 'string' } },
  async run(values, positionals, io) {
    const file = positionals[0]
    if (file === undefined) throw new UsageError('name the export file to check')
    const keyFile = values['public-key']
    const key =
      typeof keyFile === 'string'
        ? publicKeyFromPem(readText(path.resolve(io.cwd, keyFile)))
        : undefined
    const result = await verifyCentreExport(path.resolve(io.cwd, file), key)
    if (result.problem !== undefined) {
      io.err(`haven: the export does not hold: ${result.problem}`)
      return 1
    }
    io.out(
      `The export of ${result.centre?.slug ?? ''} (${result.exportedAt ?? ''}) holds: ${String(result.rows)} rows, ${String(result.entries)} audit entries, ${String(result.checkpoints)} checkpoints${key ? ', signed by the key given' : ''}.`,
    )
    return 0
  },
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    throw new HavenError('invalid_input', `cannot read ${file}`)
  }
}

export const EXPORT_COMMANDS: readonly Command[] = [exportCommand, verifyCommand]
