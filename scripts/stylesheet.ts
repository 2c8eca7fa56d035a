import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

export const STYLESHEET_SOURCE = new URL('../src/web/assets/haven.scss', import.meta.url)
export const STYLESHEET_FILE = new URL('../src/web/assets/haven.css', import.meta.url)

/** Compiles Haven's stylesheet: GOV.UK Frontend with Haven's settings, compressed. */
export function compileStylesheet(): string {
  const result = sass.compile(fileURLToPath(STYLESHEET_SOURCE), {
    loadPaths: [fileURLToPath(new URL('../node_modules', import.meta.url))],
    style: 'compressed',
    quietDeps: true,
    silenceDeprecations: ['import'],
  })
  return `${result.css}\n`
}
