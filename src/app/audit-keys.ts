import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto'
import { checkpointMessage, type AuditCheckpoint } from '../domain/audit-checkpoint.ts'
import { HavenError } from '../domain/errors.ts'
import { readSecretFile, writeNewSecretFile } from '../storage/key-file.ts'

/**
 * The Ed25519 key that signs audit checkpoints. It lives in a file outside the database
 * (beside the master key by default), so whoever can rewrite the database cannot re-sign
 * the log. Its public key is what an outside party keeps to check checkpoints later.
 */
export interface AuditSigningKey {
  privateKey: KeyObject
  publicKey: KeyObject
  /** The first 16 hex digits of the SHA-256 of the public key (SPKI DER). */
  keyId: string
}

/**
 * Loads the key from its file, making one only while the log has no signed checkpoint. Once
 * checkpoints exist (`latestKeyId`), the file must hold the key that signed the latest:
 * a missing file is never silently replaced by a new key (from then on every check of the
 * log would fail, even with the old key put back), and a different key is refused.
 */
export function loadAuditSigningKey(file: string, latestKeyId?: string): AuditSigningKey {
  let pem = readSecretFile(file, 'audit signing key file')
  if (pem === undefined) {
    if (latestKeyId !== undefined)
      throw new HavenError(
        'unavailable',
        `the audit signing key file ${file} is missing, and the audit log has checkpoints signed by key ${latestKeyId}: put that key file back. Haven does not make a new key once checkpoints exist`,
      )
    const fresh = generateKeyPairSync('ed25519').privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    })
    writeNewSecretFile(file, fresh.toString())
    pem = readSecretFile(file, 'audit signing key file')
  }
  let key: AuditSigningKey
  try {
    key = signingKeyFrom(createPrivateKey(pem ?? ''))
  } catch {
    throw new HavenError(
      'unavailable',
      `the audit signing key file ${file} does not hold an Ed25519 key`,
    )
  }
  if (latestKeyId !== undefined && key.keyId !== latestKeyId)
    throw new HavenError(
      'unavailable',
      `the audit signing key in ${file} (key ${key.keyId}) is not the key that signed the audit log's latest checkpoint (key ${latestKeyId}): put the right key file back`,
    )
  return key
}

/** A key that lives only in memory (tests, and tools that only verify). */
export function ephemeralAuditSigningKey(): AuditSigningKey {
  return signingKeyFrom(generateKeyPairSync('ed25519').privateKey)
}

function signingKeyFrom(privateKey: KeyObject): AuditSigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key')
  const publicKey = createPublicKey(privateKey)
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) }
}

export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' })
  return createHash('sha256').update(der).digest('hex').slice(0, 16)
}

export function publicKeyPem(key: AuditSigningKey): string {
  return key.publicKey.export({ type: 'spki', format: 'pem' }).toString()
}

export function publicKeyFromPem(pem: string): KeyObject {
  try {
    const key = createPublicKey(pem)
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519')
    return key
  } catch {
    throw new HavenError('invalid_input', 'that is not an Ed25519 public key in PEM form')
  }
}

export function signCheckpoint(
  key: AuditSigningKey,
  point: Pick<AuditCheckpoint, 'chain' | 'seq' | 'hash' | 'at'>,
): AuditCheckpoint {
  const signed = { ...point, version: 2 as const }
  const signature = sign(null, Buffer.from(checkpointMessage(signed)), key.privateKey)
  return { ...signed, keyId: key.keyId, signature: signature.toString('base64') }
}

export function isCheckpointSignedBy(checkpoint: AuditCheckpoint, publicKey: KeyObject): boolean {
  if (checkpoint.keyId !== keyIdOf(publicKey)) return false
  return verify(
    null,
    Buffer.from(checkpointMessage(checkpoint)),
    publicKey,
    Buffer.from(checkpoint.signature, 'base64'),
  )
}
