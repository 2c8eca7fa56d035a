import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { HavenError } from '../domain/errors.ts'

/**
 * Envelope encryption of protected fields (ENGINEERING.md §5; clause SECURE).
 * Each family has its own 256-bit data key; the key is stored wrapped (AES-256-GCM) by the
 * master key, which lives outside the database. A field is AES-256-GCM under the family key
 * with the family id, field name and key version bound in as associated data, so a
 * ciphertext moved to another family or field fails to decrypt. Destroying the wrapped key
 * destroys every field of the family (crypto-shredding).
 */
export interface MasterKey {
  readonly bytes: Buffer
}

export interface FieldBinding {
  familyId: string
  field: string
  keyVersion: number
}

const FORMAT = 'v1'
const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16

export function newMasterKeyBytes(): Buffer {
  return randomBytes(KEY_BYTES)
}

export function masterKeyFrom(bytes: Buffer): MasterKey {
  if (bytes.length !== KEY_BYTES) throw new HavenError('invalid_input', 'a master key is 32 bytes')
  return { bytes }
}

/** A fresh family key and its wrapped form for storage. */
export function createFamilyKey(
  master: MasterKey,
  familyId: string,
): { key: Buffer; wrapped: string } {
  const key = randomBytes(KEY_BYTES)
  return { key, wrapped: seal(master.bytes, key, `haven:family-key:${familyId}`) }
}

export function unwrapFamilyKey(master: MasterKey, familyId: string, wrapped: string): Buffer {
  return open(master.bytes, wrapped, `haven:family-key:${familyId}`)
}

export function encryptField(familyKey: Buffer, binding: FieldBinding, plaintext: string): string {
  return seal(familyKey, Buffer.from(plaintext, 'utf8'), associatedData(binding))
}

export function decryptField(familyKey: Buffer, binding: FieldBinding, ciphertext: string): string {
  return open(familyKey, ciphertext, associatedData(binding)).toString('utf8')
}

/** Seals a small secret (a TOTP secret, a message body) under the master key for a purpose. */
export function sealWithMasterKey(master: MasterKey, purpose: string, plaintext: Buffer): string {
  return seal(master.bytes, plaintext, `haven:master:${purpose}`)
}

export function openWithMasterKey(master: MasterKey, purpose: string, sealed: string): Buffer {
  return open(master.bytes, sealed, `haven:master:${purpose}`)
}

/** Wraps a known value under the master key, so a wrong key is caught at start-up. */
export function sealKeyCheck(master: MasterKey): string {
  return seal(master.bytes, Buffer.from('haven-key-check'), 'haven:key-check')
}

export function isKeyCheckValid(master: MasterKey, sealed: string): boolean {
  try {
    return open(master.bytes, sealed, 'haven:key-check').toString() === 'haven-key-check'
  } catch {
    return false
  }
}

function associatedData(binding: FieldBinding): string {
  return `haven:field:${binding.familyId}:${binding.field}:${binding.keyVersion}`
}

function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  cipher.setAAD(Buffer.from(aad, 'utf8'))
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return `${FORMAT}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`
}

function open(key: Buffer, sealed: string, aad: string): Buffer {
  const [format, payload] = sealed.split('.')
  if (format !== FORMAT || payload === undefined)
    throw new HavenError('internal', 'unknown ciphertext format')
  const bytes = Buffer.from(payload, 'base64')
  if (bytes.length < IV_BYTES + TAG_BYTES) throw new HavenError('internal', 'ciphertext too short')
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES))
  decipher.setAAD(Buffer.from(aad, 'utf8'))
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES))
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()])
}

/**
 * Re-seals a value from one master key to another, keeping its purpose (rotation). The
 * family key, TOTP secret or message inside is unchanged; only its wrapping is.
 */
export function resealUnderNewMaster(
  from: MasterKey,
  to: MasterKey,
  purpose:
    | { kind: 'family'; familyId: string }
    | { kind: 'key-check' }
    | { kind: 'master'; purpose: string },
  sealed: string,
): string {
  const aad =
    purpose.kind === 'family'
      ? `haven:family-key:${purpose.familyId}`
      : purpose.kind === 'key-check'
        ? 'haven:key-check'
        : `haven:master:${purpose.purpose}`
  return seal(to.bytes, open(from.bytes, sealed, aad), aad)
}
