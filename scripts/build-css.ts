// Builds src/web/assets/haven.css from haven.scss and GOV.UK Frontend (npm run build:css).
import { writeFileSync } from 'node:fs'
import { compileStylesheet, STYLESHEET_FILE } from './stylesheet.ts'

writeFileSync(STYLESHEET_FILE, compileStylesheet())
process.stdout.write(`wrote ${STYLESHEET_FILE.pathname}\n`)
