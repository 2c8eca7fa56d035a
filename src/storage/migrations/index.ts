import type { Migration } from 'kysely/migration'
import * as foundation from './0001-foundation.ts'
import * as accounts from './0002-accounts.ts'
import * as rowLevelSecurity from './0003-row-level-security.ts'
import * as policies from './0004-policies.ts'
import * as caseRecords from './0005-case-records.ts'
import * as outwardPaths from './0006-outward-paths.ts'
import * as pageIndexes from './0007-page-indexes.ts'
import * as publicListing from './0008-public-listing.ts'
import * as accountWalls from './0009-account-walls.ts'
import * as subjectAccessReleases from './0010-subject-access-releases.ts'
import * as auditChains from './0011-audit-chains.ts'
import * as idempotencyKeys from './0012-idempotency-keys.ts'
import * as familyReferenceCounter from './0013-family-reference-counter.ts'
import * as outboxRetries from './0014-outbox-retries.ts'
import * as familySearch from './0015-family-search.ts'
import * as disposalReview from './0016-disposal-review.ts'
import * as importChecks from './0017-import-checks.ts'
import * as subjectAccessChannel from './0018-subject-access-channel.ts'
import * as havenVersions from './0019-haven-versions.ts'
import * as centreClosure from './0020-centre-closure.ts'

/**
 * Every migration, in order. Forward-only: a migration, once released, is never edited or
 * removed; a change is a new migration. Each runs unchanged on SQLite and PostgreSQL.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  '0001-foundation': foundation,
  '0002-accounts': accounts,
  '0003-row-level-security': rowLevelSecurity,
  '0004-policies': policies,
  '0005-case-records': caseRecords,
  '0006-outward-paths': outwardPaths,
  '0007-page-indexes': pageIndexes,
  '0008-public-listing': publicListing,
  '0009-account-walls': accountWalls,
  '0010-subject-access-releases': subjectAccessReleases,
  '0011-audit-chains': auditChains,
  '0012-idempotency-keys': idempotencyKeys,
  '0013-family-reference-counter': familyReferenceCounter,
  '0014-outbox-retries': outboxRetries,
  '0015-family-search': familySearch,
  '0016-disposal-review': disposalReview,
  '0017-import-checks': importChecks,
  '0018-subject-access-channel': subjectAccessChannel,
  '0019-haven-versions': havenVersions,
  '0020-centre-closure': centreClosure,
}
