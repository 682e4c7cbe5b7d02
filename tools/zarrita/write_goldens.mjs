// Zarr v3 arrays written by zarrita (another implementation), for darray's tests.
// Run from the repository root after `npm install --prefix tools/zarrita zarrita@0.7.5`:
//   node tools/zarrita/write_goldens.mjs testdata/zarr3
import * as zarr from "zarrita";
import { FileSystemStore } from "@zarrita/storage";
import * as fs from "node:fs";

const out = process.argv[2];
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const store = new FileSystemStore(out);
const root = await zarr.create(zarr.root(store));

async function make(name, shape, chunk, dtype, codecs, fill) {
  const n = shape.reduce((a, b) => a * b, 1);
  const Ctor = { float64: Float64Array, int32: Int32Array, uint16: Uint16Array }[dtype];
  const data = new Ctor(n);
  for (let i = 0; i < n; i++) data[i] = dtype === "float64" ? i * 0.25 - 3 : (i * 7919) % 1000;
  const arr = await zarr.create(root.resolve(name), { shape, chunkShape: chunk, dtype, codecs, fillValue: fill });
  const stride = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  await zarr.set(arr, null, { data, shape, stride });
}

await make("plain_f8", [13, 17], [5, 6], "float64", [{ name: "bytes", configuration: { endian: "little" } }], 0);
await make("zstd_i4", [9, 4, 6], [4, 3, 5], "int32", [{ name: "bytes", configuration: { endian: "little" } }, { name: "zstd", configuration: { level: 3, checksum: false } }], -1);
await make("big_u2", [11, 7], [4, 4], "uint16", [{ name: "bytes", configuration: { endian: "big" } }], 0);
