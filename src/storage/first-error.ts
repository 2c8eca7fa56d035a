import type { Dialect, Driver } from 'kysely'

/**
 * Any Kysely dialect, with the first error of a failed transaction kept
 * (docs/decisions/0029-overload-and-faults.md).
 *
 * When a transaction's work fails, Kysely sends ROLLBACK and rethrows the work's error; but when
 * ROLLBACK fails too, Kysely throws the rollback's error and the cause is lost. That is what
 * happens on the failures that matter most: SQLite rolls a transaction back by itself on
 * SQLITE_FULL or SQLITE_IOERR, so the ROLLBACK that follows fails with "no transaction is
 * active"; a PostgreSQL connection that died mid-write fails its ROLLBACK with "not queryable".
 * Here a failed ROLLBACK is dropped, so the first error is the one thrown and logged.
 *
 * Dropping it is safe: the transaction did not commit either way. PostgreSQL ends the
 * transaction with the connection, and Kysely's driver has already marked that connection to be
 * discarded, not reused; SQLite has already rolled back (it fails ROLLBACK when there is no
 * transaction left to undo).
 *
 * It wraps the dialect object, whatever its driver, so it survives the SQLite driver being
 * replaced: every other method is the dialect's and the driver's own.
 */
export function keepFirstError(dialect: Dialect): Dialect {
  return new Proxy(dialect, {
    get(target, property) {
      if (property === 'createDriver') return () => keepFirstErrorOfDriver(target.createDriver())
      return forward(target, property)
    },
  })
}

function keepFirstErrorOfDriver(driver: Driver): Driver {
  const rollbackTransaction: Driver['rollbackTransaction'] = async (connection) => {
    try {
      await driver.rollbackTransaction(connection)
    } catch {
      // See above: the transaction is over, and the error that ended it is the one to report.
    }
  }
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'rollbackTransaction') return rollbackTransaction
      return forward(target, property)
    },
  })
}

/** The target's own property; methods bound to it, so that private fields still work. */
function forward(target: object, property: string | symbol): unknown {
  const value: unknown = Reflect.get(target, property)
  return typeof value === 'function'
    ? (value as (...args: unknown[]) => unknown).bind(target)
    : value
}
