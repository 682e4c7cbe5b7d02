// Prints the shape and the sum of a Zarr v3 array read by zarrita: node read_sum.mjs DIR /PATH
import * as zarr from "zarrita";
import { FileSystemStore } from "@zarrita/storage";

const [dir, path] = process.argv.slice(2);
const arr = await zarr.open.v3(zarr.root(new FileSystemStore(dir)).resolve(path), { kind: "array" });
const chunk = await zarr.get(arr);
let sum = 0;
for (const v of chunk.data) sum += Number(v);
console.log(JSON.stringify({ shape: chunk.shape, sum }));
