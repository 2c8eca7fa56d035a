import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import type { AppContext } from '../app/context.ts'
import { listCentreOverviews } from '../app/overview.ts'
import { HAVEN_VERSION } from '../version.ts'
import { homePage } from './home-page.ts'

const STYLESHEET = readFileSync(new URL('./assets/haven.css', import.meta.url), 'utf8')

/** The pages. Server-rendered, no inline script or style (the CSP forbids both). */
export function webRoutes(ctx: AppContext): Hono<{ Variables: { requestId: string } }> {
  const pages = new Hono<{ Variables: { requestId: string } }>()
  pages.get('/', async (c) => {
    const centres = await listCentreOverviews(ctx)
    return c.html(homePage({ centres, version: HAVEN_VERSION, dialect: ctx.dialect }).value)
  })
  pages.get('/assets/haven.css', (c) => {
    c.header('Content-Type', 'text/css; charset=utf-8')
    c.header('Cache-Control', 'public, max-age=3600')
    return c.body(STYLESHEET)
  })
  return pages
}
