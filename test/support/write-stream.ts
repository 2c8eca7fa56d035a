// A Haven process that commits a stream of writes through the app layer and acknowledges
// each one on stdout after its transaction commits, until it is killed. Used by the crash
// test: every acknowledged write must survive SIGKILL.
import { createCentre } from '../../src/app/centres.ts'
import { openHaven } from '../../src/app/runtime.ts'
import { loadConfig } from '../../src/config.ts'

const prefix = process.argv[2] ?? 'w'
const haven = await openHaven(loadConfig(process.env, process.cwd()))
process.stdout.write('ready\n')
for (let i = 0; ; i += 1) {
  const slug = `${prefix}-${i}`
  await createCentre(haven.ctx, {
    name: `Write stream centre ${i}`,
    slug,
    coordinatorEmail: `coordinator-${i}@example.org`,
  })
  process.stdout.write(`ack ${slug}\n`)
}
