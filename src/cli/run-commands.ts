import { ensureDemoCentre, createDemoCentre } from '../app/demo-centre.ts'
import { createCentre } from '../app/centres.ts'
import { listCentresForOperator } from '../app/overview.ts'
import { openConfiguredDatabase, refuseNewDatabaseBesideKeys } from '../app/runtime.ts'
import { loadConfig, type Config } from '../config.ts'
import { createLogger } from '../logger.ts'
import { startServer } from '../main.ts'
import { migrateToLatest } from '../storage/migrate.ts'
import { HAVEN_VERSION } from '../version.ts'
import { ukDateTime } from '../domain/calendar.ts'
import { UsageError, type Command } from './commands.ts'
import { AUDIT_COMMANDS } from './audit-commands.ts'
import { CASE_COMMANDS } from './case-commands.ts'
import { PEOPLE_COMMANDS } from './people-commands.ts'
import { POLICY_COMMANDS } from './policy-commands.ts'
import { RETENTION_COMMANDS } from './retention-commands.ts'
import { BACKUP_COMMANDS } from './backup-commands.ts'
import { IMPORT_COMMANDS } from './import-commands.ts'
import { doctorCommand } from './doctor-command.ts'
import { CENTRE_COMMANDS } from './centre-commands.ts'
import { EXPORT_COMMANDS } from './centre-export-commands.ts'
import { requiredString, sentByEmail, withHaven } from './support.ts'

const DATA_HELP =
  'Configuration comes from the environment: every setting is in docs/OPERATING.md (PORT, HAVEN_DATA_DIR, DATABASE_URL, ...).'

export const serveCommand: Command = {
  path: ['serve'],
  summary:
    'Run the Haven server (migrates the database first; creates the demo centre on an empty one)',
  usage: 'haven serve [--no-demo]',
  details: ['--no-demo   do not create the demo centre, whatever HAVEN_DEMO says', DATA_HELP],
  options: { 'no-demo': { type: 'boolean' } },
  async run(values, _positionals, io) {
    const config = loadConfig(io.env, io.cwd)
    const effective: Config =
      values['no-demo'] === true ? { ...config, isDemoEnabled: false } : config
    const log = createLogger(effective.logLevel)
    const server = await startServer(effective, log)
    const where =
      effective.databaseUrl === undefined ? `SQLite in ${effective.dataDir}` : 'PostgreSQL'
    io.err(`Haven ${HAVEN_VERSION} is running at ${server.url} (${where}). Press Ctrl+C to stop.`)
    if (server.demo) {
      io.err(
        `A demo centre of synthetic data was created. Set up its coordinator (${server.demo.email}) here; the link works once, for 72 hours:`,
      )
      io.err(server.demo.link)
    }
    const signal = await io.stopSignal
    log.info({ signal }, 'stopping')
    await server.close()
    return 0
  },
}

export const migrateCommand: Command = {
  path: ['migrate'],
  summary: 'Bring the database schema up to date (forward only)',
  usage: 'haven migrate',
  details: [DATA_HELP],
  options: {},
  async run(_values, _positionals, io) {
    const config = loadConfig(io.env, io.cwd)
    const database = await openConfiguredDatabase(config)
    try {
      await refuseNewDatabaseBesideKeys(database, config)
      const outcome = await migrateToLatest(database.db)
      io.out(
        outcome.applied.length === 0
          ? `The database is up to date (${outcome.current.length} migrations).`
          : `Applied ${outcome.applied.length} migration(s): ${outcome.applied.join(', ')}.`,
      )
      return 0
    } finally {
      await database.close()
    }
  },
}

export const centreCreateCommand: Command = {
  path: ['centre', 'create'],
  summary: 'Create a centre, and print a one-time invitation link for its first coordinator',
  usage: 'haven centre create --name NAME --coordinator-email EMAIL [--slug SLUG] [--preset NAME]',
  details: [
    '--name NAME                 the centre as people know it (1 to 120 characters)',
    '--coordinator-email EMAIL   who becomes its first coordinator (the link works once, for 72 hours)',
    '--slug SLUG                 its short name in addresses (default: made from the name)',
    '--preset NAME               its first policy: cordomus (default), st-marys, chichester, preston or birmingham',
  ],
  options: {
    name: { type: 'string' },
    slug: { type: 'string' },
    'coordinator-email': { type: 'string' },
    preset: { type: 'string' },
  },
  async run(values, _positionals, io) {
    const name = requiredString(values, 'name')
    const coordinatorEmail = requiredString(values, 'coordinator-email')
    const slug = typeof values.slug === 'string' ? values.slug : undefined
    return withHaven(io, async (haven) => {
      const presetName = typeof values.preset === 'string' ? values.preset : undefined
      const asHost = loadConfig(io.env, io.cwd).operatorScope === 'installation'
      const { centre, invitation } = await createCentre(
        haven.ctx,
        { name, slug, coordinatorEmail, preset: presetName },
        { asHost },
      )
      io.out(`Created centre "${centre.name}" (slug ${centre.slug}).`)
      if (asHost) {
        io.out(sentByEmail(invitation))
        return 0
      }
      io.out(
        `Invitation for the first coordinator, ${invitation.email} (works once, until ${invitation.expiresAt}):`,
      )
      io.out(invitation.link)
      return 0
    })
  },
}

export const centreListCommand: Command = {
  path: ['centre', 'list'],
  summary: 'List the centres, with their families and sessions, and which are on the front page',
  usage: 'haven centre list [--json]',
  details: ['--json   one JSON array instead of lines of text'],
  options: { json: { type: 'boolean' } },
  async run(values, _positionals, io) {
    return withHaven(io, async (haven) => {
      const centres = await listCentresForOperator(haven.ctx)
      if (values.json === true) {
        io.out(
          JSON.stringify(
            centres.map(
              ({
                id,
                slug,
                name,
                isDemo,
                isPubliclyListed,
                createdAt,
                closedAt,
                families,
                sessions,
              }) => ({
                id,
                slug,
                name,
                isDemo,
                isPubliclyListed,
                createdAt,
                closedAt: closedAt ?? null,
                families,
                sessions,
              }),
            ),
          ),
        )
      } else if (centres.length === 0) {
        io.out('No centres.')
      } else {
        for (const centre of centres)
          io.out(
            `${centre.slug}\t${centre.name}${centre.isDemo ? ' (demo)' : ''}\t${String(centre.families)} families, ${String(centre.sessions)} sessions${centre.isPubliclyListed ? '\tlisted on the front page' : ''}${centre.closedAt === undefined ? '' : `\tclosed ${ukDateTime(new Date(centre.closedAt)).replace('T', ' ')} UK time`}`,
          )
      }
      return 0
    })
  },
}

export const demoCreateCommand: Command = {
  path: ['demo', 'create'],
  summary: 'Create a demo centre of synthetic data',
  usage: 'haven demo create [--slug SLUG] [--families N] [--if-empty]',
  details: [
    "--slug SLUG     the demo centre's slug (default: demo)",
    '--families N    how many synthetic families (default 24, at most 5000)',
    '--if-empty      only when the database holds no centre (as `haven serve` does)',
  ],
  options: {
    slug: { type: 'string' },
    families: { type: 'string' },
    'if-empty': { type: 'boolean' },
  },
  async run(values, _positionals, io) {
    const families = values.families === undefined ? undefined : Number(values.families)
    if (
      families !== undefined &&
      (!Number.isInteger(families) || families < 1 || families > 5000)
    ) {
      throw new UsageError('--families must be a whole number from 1 to 5000')
    }
    const options = {
      ...(typeof values.slug === 'string' ? { slug: values.slug } : {}),
      ...(families === undefined ? {} : { familyCount: families }),
    }
    return withHaven(io, async (haven) => {
      const made =
        values['if-empty'] === true
          ? await ensureDemoCentre(haven.ctx, options)
          : await createDemoCentre(haven.ctx, options)
      io.out(
        made
          ? `Created demo centre "${made.centre.slug}": ${made.families} families, ${made.people} people, ${made.sessions} sessions.\nSet up its coordinator (works once, for 72 hours): ${made.coordinatorLink}`
          : 'The database already holds a centre; no demo centre was made.',
      )
      return 0
    })
  },
}

export const COMMANDS: readonly Command[] = [
  serveCommand,
  migrateCommand,
  centreCreateCommand,
  centreListCommand,
  demoCreateCommand,
  ...PEOPLE_COMMANDS,
  ...CENTRE_COMMANDS,
  ...EXPORT_COMMANDS,
  ...POLICY_COMMANDS,
  ...CASE_COMMANDS,
  ...AUDIT_COMMANDS,
  ...RETENTION_COMMANDS,
  ...BACKUP_COMMANDS,
  ...IMPORT_COMMANDS,
  doctorCommand,
]
