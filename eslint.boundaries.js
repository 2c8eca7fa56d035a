// The layer rules of docs/ARCHITECTURE.md, as lint rules.
// Dependencies point inward: domain <- app <- {http, web, cli}; storage is used by app
// (and by cli for migrations); src/main.ts wires everything. Kept in its own module so
// that a test can prove each boundary is enforced.

const layer = (name) => ({ regex: `(^|/)(\\.\\./)*${name}(/|\\.ts$)` })

const forbid = (layers, packages, why) => [
  'error',
  {
    paths: packages.map((name) => ({ name, message: why })),
    patterns: layers.map((name) => ({ ...layer(name), message: why })),
  },
]

const io = [
  'kysely',
  'pg',
  'hono',
  '@hono/node-server',
  'pino',
  'node:fs',
  'node:fs/promises',
  'node:sqlite',
  'node:net',
  'node:http',
  'node:child_process',
  'node:os',
  'node:process',
]

// Tests may reach any layer: they check what the layers do, including the raw database.
const tests = ['**/*.test.ts']

export const boundaries = [
  {
    files: ['src/domain/**/*.ts'],
    ignores: tests,
    rules: {
      'no-restricted-imports': forbid(
        ['app', 'storage', 'http', 'web', 'cli', 'main', 'config'],
        io,
        'src/domain is pure: no I/O and no outer layer (docs/ARCHITECTURE.md).',
      ),
      'no-restricted-properties': [
        'error',
        {
          object: 'Math',
          property: 'random',
          message: 'src/domain takes randomness as an argument.',
        },
        { object: 'Date', property: 'now', message: 'src/domain takes the time as an argument.' },
        { object: 'process', message: 'src/domain does not read the process.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'src/domain takes the time as an argument.',
        },
      ],
    },
  },
  {
    files: ['src/app/**/*.ts'],
    ignores: tests,
    rules: {
      'no-restricted-imports': forbid(
        ['http', 'web', 'cli', 'main'],
        ['hono', '@hono/node-server'],
        'src/app knows no transport: http, web and cli call it, never the other way.',
      ),
    },
  },
  {
    // One contract per use case (decision 0026): the schemas the API and the pages both read
    // input with. They describe; they do no work: no storage, no I/O, no transport.
    files: ['src/app/contracts/**/*.ts'],
    ignores: tests,
    rules: {
      'no-restricted-imports': forbid(
        ['storage', 'http', 'web', 'cli', 'main'],
        io,
        'src/app/contracts holds schemas only: no storage, no I/O, no transport (0026).',
      ),
    },
  },
  {
    files: ['src/storage/**/*.ts'],
    ignores: tests,
    rules: {
      'no-restricted-imports': forbid(
        ['app', 'http', 'web', 'cli', 'main'],
        ['hono', '@hono/node-server'],
        'src/storage is called by src/app only; it calls no outer layer.',
      ),
    },
  },
  {
    files: ['src/http/**/*.ts', 'src/web/**/*.ts'],
    ignores: tests,
    rules: {
      'no-restricted-imports': forbid(
        ['storage', 'cli', 'main'],
        ['kysely', 'pg', 'node:sqlite'],
        'src/http and src/web reach data through src/app only; they speak no SQL.',
      ),
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    ignores: tests,
    rules: {
      'no-restricted-imports': forbid(
        ['http', 'web'],
        ['kysely', 'pg', 'node:sqlite'],
        'src/cli calls src/app (and src/storage for migrations only), never http or web.',
      ),
    },
  },
]
