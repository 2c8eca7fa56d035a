import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ConfigError, loadConfig } from './config.ts'

describe('configuration', () => {
  it('has defaults for a fresh machine', () => {
    const config = loadConfig({}, '/srv/haven')
    assert.equal(config.port, 3000)
    assert.equal(config.host, '127.0.0.1')
    assert.equal(config.dataDir, '/srv/haven/data')
    assert.equal(config.isDefaultDataDir, true)
    assert.equal(config.databaseUrl, undefined)
    assert.equal(config.logLevel, 'info')
    assert.equal(config.isDemoEnabled, true)
    assert.equal(config.masterKeyFile, '/srv/haven/data/master.key')
    assert.equal(config.isBehindTls, false)
    assert.deepEqual(config.databasePool, {
      size: 10,
      waitMs: 3000,
      maxWaiting: 500,
      preparesStatements: true,
      answerMs: 60_000,
    })
  })

  it('reads every variable', () => {
    const config = loadConfig(
      {
        PORT: '8080',
        HOST: '0.0.0.0',
        HAVEN_DATA_DIR: 'var/haven',
        DATABASE_URL: 'postgres://haven@db.internal:5432/haven',
        LOG_LEVEL: 'WARN',
        HAVEN_DEMO: 'off',
        HAVEN_MASTER_KEY_FILE: '/run/secrets/haven.key',
        HAVEN_BODY_LIMIT_BYTES: '20000',
        HAVEN_TLS: 'true',
        HAVEN_DB_POOL_SIZE: '40',
        HAVEN_DB_WAIT_MS: '1500',
        HAVEN_DB_MAX_WAITING: '0',
        HAVEN_DB_PREPARED_STATEMENTS: 'false',
        HAVEN_DB_ANSWER_MS: '0',
      },
      '/srv',
    )
    assert.deepEqual(config.databasePool, {
      size: 40,
      waitMs: 1500,
      maxWaiting: 0,
      preparesStatements: false,
      answerMs: 0,
    })
    assert.equal(config.port, 8080)
    assert.equal(config.host, '0.0.0.0')
    assert.equal(config.dataDir, '/srv/var/haven')
    assert.equal(config.isDefaultDataDir, false)
    assert.equal(config.databaseUrl, 'postgres://haven@db.internal:5432/haven')
    assert.equal(config.logLevel, 'warn')
    assert.equal(config.isDemoEnabled, false)
    assert.equal(config.masterKeyFile, '/run/secrets/haven.key')
    assert.equal(config.bodyLimitBytes, 20000)
    assert.equal(config.isBehindTls, true)
  })

  const bad: [Record<string, string>, string][] = [
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ PORT: '-1' }, 'PORT'],
    [{ PORT: '' }, 'PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://root@localhost/haven' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'postgres://localhost' }, 'DATABASE_URL'],
    [{ HAVEN_DEMO: 'maybe' }, 'HAVEN_DEMO'],
    [{ HAVEN_DATA_DIR: '  ' }, 'HAVEN_DATA_DIR'],
    [{ HAVEN_BODY_LIMIT_BYTES: '10' }, 'HAVEN_BODY_LIMIT_BYTES'],
    [{ HAVEN_DB_POOL_SIZE: '0' }, 'HAVEN_DB_POOL_SIZE'],
    [{ HAVEN_DB_WAIT_MS: 'soon' }, 'HAVEN_DB_WAIT_MS'],
    [{ HAVEN_DB_MAX_WAITING: '-1' }, 'HAVEN_DB_MAX_WAITING'],
    [{ HAVEN_TLS: 'sometimes' }, 'HAVEN_TLS'],
    [{ HAVEN_DB_PREPARED_STATEMENTS: 'maybe' }, 'HAVEN_DB_PREPARED_STATEMENTS'],
  ]
  for (const [env, name] of bad) {
    it(`stops on ${JSON.stringify(env)} with one line naming ${name}`, () => {
      assert.throws(
        () => loadConfig(env, '/srv'),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.message.startsWith(name) &&
          !error.message.includes('\n'),
      )
    })
  }

  it('never repeats a database password in its messages', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'mysql://haven:s3cret-pw@host/db' }, '/srv'),
      (error: unknown) => error instanceof ConfigError && !error.message.includes('s3cret-pw'),
    )
  })

  it('reads the backup schedule: off by default, a UK time of day, keep counts', () => {
    const fresh = loadConfig({}, '/srv/haven')
    assert.equal(fresh.backupDir, undefined)
    assert.equal(fresh.backupCopyDir, undefined)
    assert.equal(fresh.backupAt, '02:30')
    assert.deepEqual(fresh.backupKeep, { daily: 7, weekly: 5, monthly: 12 })
    const set = loadConfig(
      {
        HAVEN_BACKUP_DIR: 'backups',
        HAVEN_BACKUP_COPY_DIR: '/mnt/usb/haven',
        HAVEN_BACKUP_AT: '23:05',
        HAVEN_BACKUP_KEEP_DAILY: '14',
        HAVEN_BACKUP_KEEP_WEEKLY: '0',
        HAVEN_BACKUP_KEEP_MONTHLY: '24',
      },
      '/srv/haven',
    )
    assert.equal(set.backupDir, '/srv/haven/backups')
    assert.equal(set.backupCopyDir, '/mnt/usb/haven')
    assert.equal(set.backupAt, '23:05')
    assert.deepEqual(set.backupKeep, { daily: 14, weekly: 0, monthly: 24 })
    for (const at of ['2:30', '24:00', '02:60', '0230', '2:30am'])
      assert.throws(
        () => loadConfig({ HAVEN_BACKUP_AT: at }, '/srv'),
        /HAVEN_BACKUP_AT must be a time of day as HH:MM/,
      )
    assert.throws(
      () => loadConfig({ HAVEN_BACKUP_KEEP_DAILY: '0' }, '/srv'),
      /HAVEN_BACKUP_KEEP_DAILY must be from 1/,
      'the newest backup is always kept',
    )
  })
})
