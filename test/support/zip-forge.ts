/**
 * A hand-written zip reader and writer for the hostile-import tests: it makes the workbooks a
 * spreadsheet program never would (a central directory that lies about sizes, entries with
 * no sizes at all, a sheet referenced a thousand times), so the import's defences can be tried.
 */
import { createDeflateRaw, crc32, deflateRawSync, inflateRawSync } from 'node:zlib'

export interface ZipEntry {
  name: string
  /** The bytes stored: deflated (method 8) unless `stored`. */
  data: Uint8Array
  /** Already deflated bytes (a bomb made in a stream); `data` is then ignored. */
  deflated?: { bytes: Buffer; size: number; crc: number }
  /** The uncompressed size the central directory claims, when it is to lie. */
  centralSize?: number
  /** The uncompressed size the entry's own (local) header claims, when it is to lie. */
  localSize?: number
  /** Sizes and CRC left out of the local header (bit 3), given after the data instead. */
  hasDataDescriptor?: boolean
  stored?: boolean
}

/** The entries of a zip file, read through its central directory (honest zips only). */
export function readZip(zip: Uint8Array): { name: string; data: Buffer }[] {
  const bytes = Buffer.from(zip)
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  const count = bytes.readUInt16LE(end + 10)
  let at = bytes.readUInt32LE(end + 16)
  const entries: { name: string; data: Buffer }[] = []
  for (let i = 0; i < count; i += 1) {
    const method = bytes.readUInt16LE(at + 10)
    const compressed = bytes.readUInt32LE(at + 20)
    const nameLength = bytes.readUInt16LE(at + 28)
    const extra = bytes.readUInt16LE(at + 30)
    const comment = bytes.readUInt16LE(at + 32)
    const local = bytes.readUInt32LE(at + 42)
    const name = bytes.toString('utf8', at + 46, at + 46 + nameLength)
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28)
    const raw = bytes.subarray(start, start + compressed)
    entries.push({ name, data: method === 8 ? inflateRawSync(raw) : Buffer.from(raw) })
    at += 46 + nameLength + extra + comment
  }
  return entries
}

/** A zip file of the entries, each as its options say (lies included). */
export function writeZip(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = 0
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8')
    const packed = entry.deflated
      ? entry.deflated.bytes
      : entry.stored
        ? Buffer.from(entry.data)
        : deflateRawSync(entry.data)
    const size = entry.deflated ? entry.deflated.size : entry.data.length
    const crc = entry.deflated ? entry.deflated.crc : crc32(entry.data)
    const method = entry.stored ? 0 : 8
    const flags = 0x0800 | (entry.hasDataDescriptor ? 0x0008 : 0)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(flags, 6)
    local.writeUInt16LE(method, 8)
    local.writeUInt32LE(0, 10) // time and date
    local.writeUInt32LE(entry.hasDataDescriptor ? 0 : crc, 14)
    local.writeUInt32LE(entry.hasDataDescriptor ? 0 : packed.length, 18)
    local.writeUInt32LE(entry.hasDataDescriptor ? 0 : (entry.localSize ?? size), 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(0, 28)
    const descriptor = Buffer.alloc(entry.hasDataDescriptor ? 16 : 0)
    if (entry.hasDataDescriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0)
      descriptor.writeUInt32LE(crc, 4)
      descriptor.writeUInt32LE(packed.length, 8)
      descriptor.writeUInt32LE(entry.localSize ?? size, 12)
    }
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(flags, 8)
    central.writeUInt16LE(method, 10)
    central.writeUInt32LE(0, 12)
    central.writeUInt32LE(crc, 16)
    central.writeUInt32LE(packed.length, 20)
    central.writeUInt32LE(entry.centralSize ?? size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, packed, descriptor)
    centrals.push(central, name)
    offset += local.length + name.length + packed.length + descriptor.length
  }
  const directory = Buffer.concat(centrals)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(directory.length, 12)
  end.writeUInt32LE(offset, 16)
  return Buffer.concat([...locals, directory, end])
}

/**
 * `size` bytes of one repeated byte, deflated in a stream (so the test never holds them):
 * about a thousandth of the size once packed.
 */
export async function deflatedRun(
  size: number,
  byte = 0x20,
): Promise<{ bytes: Buffer; size: number; crc: number }> {
  const chunk = Buffer.alloc(1024 * 1024, byte)
  const deflate = createDeflateRaw({ level: 9 })
  const out: Buffer[] = []
  deflate.on('data', (b: Buffer) => out.push(b))
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve)
    deflate.on('error', reject)
  })
  let crc = 0
  for (let left = size; left > 0; left -= chunk.length) {
    const part = left >= chunk.length ? chunk : chunk.subarray(0, left)
    crc = crc32(part, crc)
    if (!deflate.write(part)) await new Promise((resolve) => deflate.once('drain', resolve))
  }
  deflate.end()
  await done
  return { bytes: Buffer.concat(out), size, crc }
}
