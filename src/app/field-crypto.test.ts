import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  createFamilyKey,
  decryptField,
  encryptField,
  isKeyCheckValid,
  masterKeyFrom,
  newMasterKeyBytes,
  sealKeyCheck,
  unwrapFamilyKey,
} from './field-crypto.ts'

describe('protected field encryption', () => {
  const master = masterKeyFrom(newMasterKeyBytes())
  const { key, wrapped } = createFamilyKey(master, 'family-1')
  const binding = { familyId: 'family-1', field: 'person:p1:address', keyVersion: 1 }
  const address = '12 Acorn Close, Ashbury QA7 3XY'

  it('round-trips, and the ciphertext holds no clear text and differs every time', () => {
    const first = encryptField(key, binding, address)
    const second = encryptField(key, binding, address)
    assert.notEqual(first, second)
    assert.ok(!first.includes('Acorn'))
    assert.ok(!Buffer.from(first.slice(3), 'base64').toString('latin1').includes('Acorn'))
    assert.equal(decryptField(key, binding, first), address)
  })

  it('unwraps the family key only with the master key and the same family', () => {
    assert.deepEqual(unwrapFamilyKey(master, 'family-1', wrapped), key)
    assert.throws(() => unwrapFamilyKey(master, 'family-2', wrapped))
    assert.throws(() => unwrapFamilyKey(masterKeyFrom(newMasterKeyBytes()), 'family-1', wrapped))
  })

  it('refuses a ciphertext moved to another family, field or key version, or altered', () => {
    const sealed = encryptField(key, binding, address)
    assert.throws(() => decryptField(key, { ...binding, familyId: 'family-2' }, sealed))
    assert.throws(() => decryptField(key, { ...binding, field: 'person:p1:phone' }, sealed))
    assert.throws(() => decryptField(key, { ...binding, keyVersion: 2 }, sealed))
    const bytes = Buffer.from(sealed.slice(3), 'base64')
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1
    assert.throws(() => decryptField(key, binding, `v1.${bytes.toString('base64')}`))
    assert.throws(() => decryptField(key, binding, 'v2.AAAA'))
    assert.throws(() => decryptField(key, binding, 'v1.AAAA'))
  })

  it('tells the right master key from a wrong one', () => {
    const check = sealKeyCheck(master)
    assert.equal(isKeyCheckValid(master, check), true)
    assert.equal(isKeyCheckValid(masterKeyFrom(newMasterKeyBytes()), check), false)
    assert.equal(isKeyCheckValid(master, 'garbage'), false)
  })

  it('accepts only 32-byte master keys', () => {
    assert.throws(() => masterKeyFrom(Buffer.alloc(16)))
  })
})
