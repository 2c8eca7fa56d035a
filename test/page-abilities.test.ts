import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Permission } from '../src/domain/policy/abilities.ts'
import { abilitiesOf, compilePolicy } from '../src/domain/policy/engine.ts'
import { PRESET_NAMES, preset } from '../src/domain/policy/presets.ts'
import type { Role } from '../src/domain/roles.ts'
import { CENTRE_SECTIONS, centreSections, navigationLinks } from '../src/web/navigation.ts'
import { centreWithCoordinator, invite, testApp, type Person } from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

/**
 * The pages offer exactly what the centre's policy allows (issue 14): for every role at every
 * preset, the navigation holds exactly the links the abilities open, the centre's page exactly
 * its sections, and each page opens (200) exactly when the reader holds one of the permissions
 * it is for; otherwise it is refused as a page (403). The expectations come from the engine's
 * abilitiesOf, so a page or ability changed on one side only fails here.
 */
const PAGES: readonly [string, readonly Permission[]][] = [
  ['/today', ['see_all_families']],
  ['/my-sessions', ['work_sessions']],
  ['/referrals', ['follow_referrals']],
  ['/referrals/new', ['refer_families']],
  ['/sessions', ['book_sessions']],
  ['/sessions/new', ['book_sessions']],
  ['/disclosures', ['follow_disclosures']],
  ['/disclosures/new', ['ask_disclosures']],
  ['/approvals', ['approve_assessments', 'authorise_disclosures', 'approve_disposals']],
  ['/centre', CENTRE_SECTIONS.flatMap((s) => s.anyOf)],
  ['/centre/people', ['manage_members']],
  ['/centre/workers', ['read:worker']],
  ['/centre/rooms', ['manage_rooms']],
  ['/centre/agencies', ['record_referrals']],
  ['/centre/subject-access', ['read_subject_access']],
  ['/centre/subject-access/new', ['handle_subject_access']],
  ['/centre/disposals', ['read_disposals']],
  ['/centre/audit', ['read:audit_log']],
  ['/centre/export', ['export_centre']],
  [
    '/records',
    ['record_incidents', 'read:incident', 'read:safeguarding_concern', 'answer_guidance'],
  ],
  ['/report', ['record_incidents']],
  ['/my-information', ['see_own_information']],
]

const ROLES: readonly Role[] = [
  'coordinator',
  'chair',
  'management',
  'staff',
  'volunteer',
  'referrer',
  'parent',
]

const hrefs = (html: string, linkClass: string): string[] =>
  [...html.matchAll(new RegExp(`class="${linkClass}" href="([^"]+)"`, 'g'))].map((m) => m[1] ?? '')

for (const dialect of await dialectsUnderTest()) {
  // Every preset on SQLite; on PostgreSQL the first (the pages decide alike on both engines).
  const presets = dialect.name === 'sqlite' ? PRESET_NAMES : PRESET_NAMES.slice(0, 1)
  describe(`pages drawn from the abilities, on ${dialect.name}`, { skip: dialect.skip }, () => {
    for (const name of presets) {
      it(`${name}: every role sees exactly the links, sections and pages the policy gives`, () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
          const app = testApp(ctx)
          const slug = `abilities-${name}`
          const { centreId, coordinator } = await centreWithCoordinator(ctx, app, slug, name)
          const policy = compilePolicy(preset(name))
          const problems: string[] = []
          for (const role of ROLES) {
            const person: Person =
              role === 'coordinator'
                ? coordinator
                : await invite(ctx, app, centreId, slug, `${role}@${slug}.example.org`, [role])
            const abilities = abilitiesOf(policy, {
              roles: [role],
              relationship: 'none',
              hasSecondFactor: true,
            })
            const policyPage = await (await person.client.call('GET', '/policy')).text()
            const links = hrefs(policyPage, 'govuk-service-navigation__link')
            const wanted = navigationLinks(new Set(abilities.keys())).map(([href]) => href)
            if (JSON.stringify(links) !== JSON.stringify(wanted))
              problems.push(`${role}: navigation ${links.join(' ')} ≠ ${wanted.join(' ')}`)
            const opened = new Set(['/policy', '/families'])
            for (const [path, anyOf] of PAGES) {
              const response = await person.client.call('GET', path)
              await response.arrayBuffer()
              const expected = anyOf.some((p) => abilities.has(p)) ? 200 : 403
              if (response.status !== expected)
                problems.push(`${role}: ${path} answered ${response.status}, not ${expected}`)
              if (response.status === 200) opened.add(path)
            }
            // No link to a page that would refuse its reader.
            for (const link of links)
              if (!opened.has(link)) problems.push(`${role}: a link to ${link}, which refuses them`)
            // After signing in, each role lands on a page of its own work that opens for it.
            const start = await person.client.call('GET', '/start')
            const landing = start.headers.get('location') ?? ''
            const landed = await person.client.call('GET', landing)
            await landed.arrayBuffer()
            if (start.status !== 303 || landed.status !== 200 || landing === '/')
              problems.push(`${role}: lands on ${landing}, which answered ${String(landed.status)}`)
            if (role === 'parent' && landing !== '/my-information')
              problems.push(`a parent lands on ${landing}, not their own information`)
            if (role === 'coordinator' && landing !== '/today')
              problems.push(`the coordinator lands on ${landing}, not the day`)
            const hub = await person.client.call('GET', '/centre')
            if (hub.status === 200) {
              const sections = [
                ...(await hub.text()).matchAll(
                  /<h2 class="govuk-heading-s[^"]*"><a [^>]*href="([^"]+)"/g,
                ),
              ].map((m) => m[1])
              const expected = centreSections(new Set(abilities.keys())).map((s) => s.href)
              if (JSON.stringify(sections) !== JSON.stringify(expected))
                problems.push(
                  `${role}: centre sections ${sections.join(' ')} ≠ ${expected.join(' ')}`,
                )
            } else await hub.arrayBuffer()
          }
          assert.deepEqual(problems, [])
        }))
    }
  })
}
