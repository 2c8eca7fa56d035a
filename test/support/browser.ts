import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { chromium, type Browser, type Page } from 'playwright-core'

/**
 * A real browser for the page tests: Debian's Chromium, driven by playwright-core (nothing is
 * downloaded). Where it is not installed the browser suites are skipped, except in CI
 * (CI=true), where its absence fails the run: .ci/run installs it.
 */
export const CHROMIUM = process.env.HAVEN_CHROMIUM ?? '/usr/bin/chromium'

export function browserSkip(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined
  if (process.env.CI === 'true')
    throw new Error(`Chromium is not installed at ${CHROMIUM} (CI runs every browser suite)`)
  return `Chromium is not installed at ${CHROMIUM}`
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
}

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: { target: string[] }[]
}

/**
 * Runs axe-core in the page against WCAG 2.0, 2.1 and 2.2 at levels A and AA, and returns the
 * violations (none expected). The script is evaluated by the browser's debugging protocol, not
 * added to the page, so the page's own Content-Security-Policy stays as it is served.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run: (context: unknown, options: unknown) => Promise<{ violations: AxeViolation[] }>
        }
      }
    ).axe
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
    })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }))
  })
}

/** The violations as one line each, for an assertion message. */
export function describeViolations(violations: readonly AxeViolation[]): string {
  return violations
    .map(
      (v) =>
        `${v.id} (${v.impact ?? 'n/a'}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    )
    .join('\n')
}
