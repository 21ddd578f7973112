import { crc32 } from 'node:zlib';

/** One array of an .npz archive: little-endian data in C order. */
export interface NpyArray {
  name: string;
  dtype: '<f4' | '<i8';
  shape: number[];
  data: Buffer;
}

const ITEM_BYTES = { '<f4': 4, '<i8': 8 } as const;

/** An .npy file (format 1.0): magic, header length, a Python-literal header padded to 64 bytes, data. */
export function npyBytes(array: NpyArray): Buffer {
  const expected = array.shape.reduce((a, b) => a * b, 1) * ITEM_BYTES[array.dtype];
  if (array.data.length !== expected) throw new Error(`npy ${array.name}: ${array.data.length} bytes for shape [${array.shape}] (${expected} expected)`);
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${array.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  const unpadded = 10 + header.length + 1;
  header = header + ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const preamble = Buffer.alloc(10);
  preamble.write('\x93NUMPY', 0, 'latin1');
  preamble[6] = 1;
  preamble[7] = 0;
  preamble.writeUInt16LE(header.length, 8);
  return Buffer.concat([preamble, Buffer.from(header, 'latin1'), array.data]);
}

/**
 * An .npz archive (a zip of .npy files, stored without compression so numpy can
 * memory-map it). Written by hand because the service needs only this one case and a zip
 * library would be a dependency for 60 lines.
 */
export function npzBytes(arrays: NpyArray[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const array of arrays) {
    const body = npyBytes(array);
    const name = Buffer.from(`${array.name}.npy`, 'utf8');
    const crc = crc32(body);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // method: stored
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(body.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(body.length, 24);
    entry.writeUInt16LE(name.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, name, body);
    central.push(entry, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(arrays.length, 8);
  end.writeUInt16LE(arrays.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
