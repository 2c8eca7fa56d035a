import { examineInstallation } from '../app/doctor.ts'
import { ConfigError, loadConfig } from '../config.ts'
import { checkLine, doctorExitCode, fail, type Check } from '../domain/doctor.ts'
import { REQUIRED_NODE_MAJOR } from '../version.ts'
import type { Command } from './commands.ts'

/** `haven doctor`: what an operator forgets, one line each (issue 18). */
export const doctorCommand: Command = {
  path: ['doctor'],
  summary:
    'Check the installation: files and keys, the database, the clock, mail, backups and checkpoints',
  usage: 'haven doctor [--json]',
  details: [
    'One line a check: ok, warn or fail, its name, and what was found. Changes nothing.',
    'Exits 1 when any check fails; warnings alone exit 0 (docs/OPERATING.md says which is which).',
    '--json   one JSON array of { name, status, detail } instead of lines',
    'Configuration comes from the environment, as for haven serve: run it as Haven runs.',
  ],
  options: { json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    let checks: Check[]
    try {
      const config = loadConfig(io.env, io.cwd)
      checks = await examineInstallation(config, {
        now: () => new Date(),
        uid: typeof process.getuid === 'function' ? process.getuid() : undefined,
        nodeVersion: process.version,
        requiredNodeMajor: REQUIRED_NODE_MAJOR,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        smtpTimeoutMs: 5_000,
      })
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      checks = [fail('config', error.message)]
    }
    if (values.json === true) io.out(JSON.stringify(checks))
    else {
      const width = Math.max(...checks.map((check) => check.name.length))
      for (const check of checks) io.out(checkLine(check, width))
    }
    return doctorExitCode(checks)
  },
}
