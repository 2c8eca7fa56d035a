#!/usr/bin/env node
// The `haven` command. Haven runs on Node 24 (docs/decisions/0001-runtime.md), which the
// project installs from the npm registry's `node` package. This launcher is plain JavaScript
// so that it also starts under an older system Node: there it hands over to the project's
// own Node 24, passing arguments, standard streams, signals and the exit code through.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const REQUIRED_MAJOR = 24
const here = path.dirname(fileURLToPath(import.meta.url))
const entry = path.join(here, '..', 'src', 'cli', 'main.ts')
const major = Number(process.versions.node.split('.')[0])

if (major === REQUIRED_MAJOR) {
  const cli = await import(pathToFileURL(entry).href)
  await cli.runFromProcess()
} else {
  const node = findProjectNode()
  if (!node) {
    process.stderr.write(
      `haven: needs Node ${REQUIRED_MAJOR}, and this is Node ${process.versions.node}; run npm ci in the Haven folder to install it\n`,
    )
    process.exit(1)
  }
  const child = spawn(node, [entry, ...process.argv.slice(2)], { stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal))
  }
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal)
    else process.exit(code ?? 1)
  })
}

function findProjectNode() {
  try {
    const require = createRequire(import.meta.url)
    const candidate = path.join(path.dirname(require.resolve('node/package.json')), 'bin', 'node')
    return existsSync(candidate) ? candidate : undefined
  } catch {
    return undefined
  }
}
