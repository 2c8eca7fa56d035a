// deploy/haven.service and deploy/nginx-haven.conf, checked by their own tools
// (`systemd-analyze verify`, `nginx -t`, certificates from `openssl`) and against what Haven
// itself reads and answers. Without a tool these tests are skipped with the reason; in CI
// (CI=true) a missing tool fails the run, as a missing PostgreSQL does.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { IMPORT_CONFIRM_LIMIT_BYTES } from '../src/app/import-files.ts'
import { SETTINGS } from '../src/config.ts'
import { childEnv } from './support/processes.ts'

const ROOT = path.resolve(import.meta.dirname, '..')
const UNIT = readFileSync(path.join(ROOT, 'deploy/haven.service'), 'utf8')
const SITE = readFileSync(path.join(ROOT, 'deploy/nginx-haven.conf'), 'utf8')
/** Where the unit expects Haven's code; the tests put this checkout there instead. */
const INSTALLED = '/opt/haven'

/** Why a tool's test cannot run here, or undefined; in CI a missing tool throws. */
function missing(command: string, debianPackage: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' })
  if (found.status === 0) return undefined
  const reason = `${command} is not installed (apt-get install ${debianPackage})`
  if (process.env.CI === 'true') throw new Error(`${reason}; CI checks the deploy files with it`)
  return reason
}

const noSystemd = missing('systemd-analyze', 'systemd')
const noNginx = missing('nginx', 'nginx') ?? missing('openssl', 'openssl')

const scratch = mkdtempSync(path.join(tmpdir(), 'haven-deploy-'))
after(() => {
  rmSync(scratch, { recursive: true, force: true })
})

/** The unit's `Key=value` lines, every value of each key in order. */
function unitEntries(text: string): Map<string, string[]> {
  const entries = new Map<string, string[]>()
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim())
    if (!match) continue
    const [, key = '', value = ''] = match
    entries.set(key, [...(entries.get(key) ?? []), value])
  }
  return entries
}

/** The unit's Environment= lines as a record. */
function unitEnvironment(entries: Map<string, string[]>): Record<string, string> {
  return Object.fromEntries(
    (entries.get('Environment') ?? []).map((assignment) => {
      const [name = '', ...value] = assignment.split('=')
      return [name, value.join('=')]
    }),
  )
}

function verifyUnit(text: string): { status: number | null; stderr: string } {
  const folder = mkdtempSync(path.join(scratch, 'unit-'))
  const file = path.join(folder, 'haven.service')
  // verify checks that ExecStart's program exists and is executable: point it at this
  // checkout's own Node (installed by npm ci), as it is at /opt/haven once installed.
  writeFileSync(file, text.replaceAll(INSTALLED, ROOT))
  const run = spawnSync('systemd-analyze', ['verify', '--man=no', file], { encoding: 'utf8' })
  return { status: run.status, stderr: run.stderr.trim() }
}

describe('deploy/haven.service', () => {
  const entries = unitEntries(UNIT)
  const single = (key: string): string | undefined => entries.get(key)?.at(-1)

  it('passes systemd-analyze verify with nothing to say', { skip: noSystemd }, () => {
    const verified = verifyUnit(UNIT)
    // verify exits 0 on an unknown key or a misspelt value and only warns: any word on
    // stderr is a failure here.
    assert.equal(verified.stderr, '')
    assert.equal(verified.status, 0)
  })

  it(
    'is caught by that check when a key is misspelt or a filter unknown',
    { skip: noSystemd },
    () => {
      const misspelt = verifyUnit(UNIT.replace('ProtectSystem=strict', 'ProtectSystm=strict'))
      assert.match(misspelt.stderr, /Unknown key 'ProtectSystm'/)
      const filter = verifyUnit(
        UNIT.replace('SystemCallFilter=@system-service', 'SystemCallFilter=@no-such-group'),
      )
      assert.match(filter.stderr, /Unknown system call group/)
      const program = spawnSync(
        'systemd-analyze',
        ['verify', '--man=no', path.join(ROOT, 'deploy/haven.service')],
        { encoding: 'utf8' },
      )
      assert.notEqual(program.status, 0, 'a missing ExecStart program fails verify')
    },
  )

  it('runs as its own user in the sandbox the operator expects', () => {
    assert.equal(single('User'), 'haven')
    assert.equal(single('NoNewPrivileges'), 'yes')
    assert.equal(single('ProtectSystem'), 'strict')
    assert.equal(single('ProtectHome'), 'yes')
    assert.equal(single('PrivateTmp'), 'yes')
    assert.equal(single('CapabilityBoundingSet'), '')
    assert.equal(single('RestrictAddressFamilies'), 'AF_UNIX AF_INET AF_INET6')
    assert.equal(single('SystemCallFilter'), '@system-service')
    assert.equal(single('Restart'), 'on-failure')
    assert.equal(single('UMask'), '0077')
    // V8's JIT writes code and then runs it: this setting would stop Node at start.
    assert.equal(entries.has('MemoryDenyWriteExecute'), false)
    assert.equal(single('EnvironmentFile'), '/etc/haven/haven.env')
  })

  it('may write only its data folder and the folder of its keys', () => {
    const environment = unitEnvironment(entries)
    const dataDir = environment.HAVEN_DATA_DIR
    const keyFile = environment.HAVEN_MASTER_KEY_FILE
    assert.ok(dataDir !== undefined && keyFile !== undefined)
    const writable = (single('ReadWritePaths') ?? '').split(/\s+/).sort()
    assert.deepEqual(writable, [dataDir, path.dirname(keyFile)].sort())
    assert.notEqual(path.dirname(keyFile), dataDir, 'the keys are kept out of the data folder')
    // StateDirectory= makes exactly those folders, owned by the service's user.
    const made = (single('StateDirectory') ?? '').split(/\s+/).map((name) => `/var/lib/${name}`)
    assert.deepEqual(made.sort(), writable)
    const declared = new Set<string>(SETTINGS.map((setting) => setting.name))
    for (const name of Object.keys(environment))
      assert.ok(declared.has(name), `${name} is not one of Haven's settings`)
  })

  it('starts Haven from its ExecStart line with its environment, and stops on SIGTERM', async () => {
    const [program = '', ...args] = (single('ExecStart') ?? '')
      .replaceAll(INSTALLED, ROOT)
      .split(/\s+/)
    const data = mkdtempSync(path.join(scratch, 'data-'))
    const keys = mkdtempSync(path.join(scratch, 'keys-'))
    chmodSync(data, 0o700)
    chmodSync(keys, 0o700)
    const environment = unitEnvironment(entries)
    const child = spawn(program, args, {
      cwd: ROOT,
      env: childEnv({
        ...environment,
        HAVEN_DATA_DIR: data,
        HAVEN_MASTER_KEY_FILE: path.join(
          keys,
          path.basename(environment.HAVEN_MASTER_KEY_FILE ?? ''),
        ),
        PORT: '0',
        LOG_LEVEL: 'info',
      }),
    })
    const exited = new Promise<number | null>((done) => child.on('exit', done))
    let stdout = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`not listening in 30 s: ${stdout}`))
      }, 30_000)
      child.stdout.on('data', () => {
        const listening = /"url":"(http:[^"]+)","dialect":"sqlite","msg":"Haven is listening"/.exec(
          stdout,
        )
        if (listening?.[1]) {
          clearTimeout(timer)
          resolve(listening[1])
        }
      })
      void exited.then((code) => {
        clearTimeout(timer)
        reject(new Error(`exited ${String(code)} before listening: ${stdout}`))
      })
    })
    const health = await fetch(`${url}/healthz`)
    assert.equal(health.status, 200)
    // HAVEN_DEMO=false from the unit: an empty installation, no demo centre.
    assert.doesNotMatch(stdout, /demo centre created/)
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
    assert.match(readFileSync(path.join(keys, 'master.key')).toString('hex'), /^[0-9a-f]+$/)
  })
})

/** A free TCP port on 127.0.0.1 (closed again at once). */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve()
    }),
  )
  return port
}

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** The header names as sent, repeats kept. */
  raw?: string[]
}

/** One request through the proxy, naming Haven's host; the self-signed certificate accepted. */
function ask(
  url: string,
  options: { method?: string; length?: number; send?: boolean } = {},
): Promise<Answer> {
  const target = new URL(url)
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const request = send(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: options.method ?? 'GET',
        rejectUnauthorized: false,
        servername: 'haven.example.org',
        headers: {
          host: 'haven.example.org',
          ...(options.length === undefined ? {} : { 'content-length': String(options.length) }),
        },
      },
      (response) => {
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          raw: response.rawHeaders.filter((_, index) => index % 2 === 0),
        })
        response.resume()
        request.destroy()
      },
    )
    request.on('error', reject)
    request.flushHeaders()
    // With `send`, the body (zeros) is sent whole; without, only its length is announced.
    if (options.send === true) request.end(Buffer.alloc(options.length ?? 0))
    else if (options.length === 0 || options.length === undefined) request.end()
  })
}

interface NginxSetup {
  prefix: string
  conf: string
}

/**
 * The site file in a minimal nginx.conf of its own in a scratch folder: a self-signed
 * certificate made by openssl where the site names Let's Encrypt's, its logs and temporary
 * files in that folder, and (for a real run) its ports and upstream moved to free ones.
 */
function nginxSetup(
  site: string,
  ports?: { http: number; https: number; haven: number },
): NginxSetup {
  const prefix = mkdtempSync(path.join(scratch, 'nginx-'))
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=haven.example.org',
      '-keyout',
      path.join(prefix, 'key.pem'),
      '-out',
      path.join(prefix, 'cert.pem'),
    ],
    { encoding: 'utf8' },
  )
  assert.equal(made.status, 0, made.stderr)
  let text = site
    .replace(/ssl_certificate \S+;/, `ssl_certificate ${path.join(prefix, 'cert.pem')};`)
    .replace(/ssl_certificate_key \S+;/, `ssl_certificate_key ${path.join(prefix, 'key.pem')};`)
    .replaceAll('/var/log/nginx/', `${prefix}/`)
  if (ports) {
    text = text
      .replace(/listen 80;/, `listen 127.0.0.1:${String(ports.http)};`)
      .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${String(ports.https)} ssl http2;`)
      .replace(/listen \[::\]:\d+[^;]*;/g, '')
      .replace('server 127.0.0.1:3000;', `server 127.0.0.1:${String(ports.haven)};`)
  }
  writeFileSync(path.join(prefix, 'site.conf'), text)
  for (const folder of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])
    mkdirSync(path.join(prefix, folder))
  const conf = path.join(prefix, 'nginx.conf')
  writeFileSync(
    conf,
    [
      `pid ${prefix}/nginx.pid;`,
      `error_log ${prefix}/error.log;`,
      'events {}',
      'http {',
      '  access_log off;',
      ...['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `  ${kind === 'body' ? 'client_body' : kind}_temp_path ${prefix}/${kind};`,
      ),
      `  include ${prefix}/site.conf;`,
      '}',
      '',
    ].join('\n'),
  )
  return { prefix, conf }
}

function nginxTest(setup: NginxSetup): { status: number | null; output: string } {
  const run = spawnSync(
    'nginx',
    ['-t', '-p', setup.prefix, '-e', path.join(setup.prefix, 'error.log'), '-c', setup.conf],
    { encoding: 'utf8' },
  )
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

describe('deploy/nginx-haven.conf', () => {
  it('passes nginx -t inside a minimal nginx.conf', { skip: noNginx }, () => {
    const checked = nginxTest(nginxSetup(SITE))
    assert.equal(checked.status, 0, checked.output)
    assert.match(checked.output, /test is successful/)
    assert.doesNotMatch(checked.output, /\[warn\]|\[emerg\]/)
  })

  it('is caught by nginx -t when a directive is wrong', { skip: noNginx }, () => {
    const checked = nginxTest(
      nginxSetup(SITE.replace('client_max_body_size 24m;', 'client_max_body_size twelve;')),
    )
    assert.notEqual(checked.status, 0)
    assert.match(checked.output, /client_max_body_size/)
  })

  it('agrees with Haven: its port, its largest upload, the one header it trusts, its HSTS', () => {
    const port = SETTINGS.find((setting) => setting.name === 'PORT')
    assert.equal(port?.kind === 'integer' ? port.fallback : undefined, 3000)
    assert.match(SITE, /server 127\.0\.0\.1:3000;/)
    const size = /client_max_body_size (\d+)m;/.exec(SITE)?.[1]
    assert.equal(Number(size) * 1024 * 1024, IMPORT_CONFIRM_LIMIT_BYTES)
    assert.match(SITE, /proxy_set_header X-Forwarded-For \$remote_addr;/)
    assert.match(SITE, /proxy_set_header Host \$host;/)
    const haven = readFileSync(path.join(ROOT, 'src/http/security-headers.ts'), 'utf8')
    const hsts = /'Strict-Transport-Security', '([^']+)'/.exec(haven)?.[1]
    assert.ok(hsts)
    assert.ok(SITE.includes(`add_header Strict-Transport-Security "${hsts}" always;`))
    // Haven ends a request after 60 s: nginx waits a little longer for its answer.
    assert.equal(/proxy_read_timeout (\d+)s;/.exec(SITE)?.[1], '65')
  })

  it(
    'serves Haven over TLS: one HSTS header, HTTP sent to HTTPS, a body over 12 MiB refused',
    { skip: noNginx },
    async () => {
      const ports = { http: await freePort(), https: await freePort(), haven: await freePort() }
      const data = mkdtempSync(path.join(scratch, 'served-'))
      chmodSync(data, 0o700)
      const haven = spawn(process.execPath, [path.join(ROOT, 'src/cli/main.ts'), 'serve'], {
        env: childEnv({
          HAVEN_DATA_DIR: data,
          PORT: String(ports.haven),
          HAVEN_TLS: 'true',
          HAVEN_TRUSTED_PROXIES: '127.0.0.1',
          HAVEN_DEMO: 'false',
          LOG_LEVEL: 'warn',
        }),
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      const setup = nginxSetup(SITE, ports)
      const started = spawnSync(
        'nginx',
        ['-p', setup.prefix, '-e', path.join(setup.prefix, 'error.log'), '-c', setup.conf],
        { encoding: 'utf8' },
      )
      try {
        assert.equal(started.status, 0, started.stderr)
        const https = `https://127.0.0.1:${String(ports.https)}`
        let answer: Answer = { status: 0, headers: {} }
        for (let tries = 0; tries < 60 && answer.status !== 200; tries++) {
          await new Promise((resolve) => setTimeout(resolve, 250))
          answer = await ask(`${https}/healthz`).catch(() => answer)
        }
        assert.equal(answer.status, 200)
        assert.equal(
          answer.headers['strict-transport-security'],
          'max-age=63072000; includeSubDomains',
        )
        assert.equal(
          answer.raw?.filter((name) => /^strict-transport-security$/i.test(name)).length,
          1,
        )
        const plain = await ask(`http://127.0.0.1:${String(ports.http)}/sign-in`)
        assert.equal(plain.status, 301)
        assert.equal(plain.headers.location, 'https://haven.example.org/sign-in')
        // nginx answers as soon as it reads the length, before any of the body is sent; the
        // answer is nginx's own page, not Haven's JSON or page.
        const refused = await ask(`${https}/centre/import/confirm`, {
          method: 'POST',
          length: IMPORT_CONFIRM_LIMIT_BYTES + 1,
        })
        assert.equal(refused.status, 413)
        assert.equal(refused.headers['x-request-id'], undefined)
        // The largest import passes nginx whole and is answered by Haven, which holds someone
        // not signed in to its form limit.
        const largest = await ask(`${https}/centre/import/confirm`, {
          method: 'POST',
          length: IMPORT_CONFIRM_LIMIT_BYTES,
          send: true,
        })
        assert.ok(largest.headers['x-request-id'], 'answered by Haven')
      } finally {
        spawnSync('nginx', [
          '-p',
          setup.prefix,
          '-e',
          path.join(setup.prefix, 'error.log'),
          '-c',
          setup.conf,
          '-s',
          'stop',
        ])
        haven.kill('SIGTERM')
        await new Promise((resolve) => haven.on('exit', resolve))
      }
    },
  )
})
