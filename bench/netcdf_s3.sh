#!/usr/bin/env bash
# Mean of a zlib-compressed float32 netCDF-4 variable (2e8 elements by default), darray
# against xarray + dask; then the same data as Zarr (zlib, same chunks) in a local S3
# server (s3rver on loopback, tools/s3rver), darray against dask + zarr-python with a
# boto3 store. Peak resident memory of each whole run by /usr/bin/time.
# Usage: bash bench/netcdf_s3.sh [elements]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000000}
file=/tmp/darray-bench-$n.nc
[ -f "$file" ] || /usr/bin/python3 bench/netcdf_s3.py make "$file" "$n"
ls -la "$file"
go build -o /tmp/darray-remotemean ./bench/remotemean
# The optional libdeflate build (cgo) inflates about twice as fast as pure Go.
ld=""
if [ -f /usr/include/libdeflate.h ]; then
  go build -tags libdeflate -o /tmp/darray-remotemean-ld ./bench/remotemean && ld=/tmp/darray-remotemean-ld
fi
cat "$file" > /dev/null
t() { /usr/bin/time -f "  peak RSS %M KiB" "$@"; }
echo "== netCDF-4 on local disk"
for i in 1 2 3; do t /tmp/darray-remotemean -netcdf "$file" -var t; done
[ -z "$ld" ] || for i in 1 2 3; do echo -n "libdeflate "; t $ld -netcdf "$file" -var t; done
for i in 1 2 3; do t /usr/bin/python3 bench/netcdf_s3.py xarray "$file"; done

echo "== Zarr in s3rver on loopback"
[ -x tools/s3rver/node_modules/.bin/s3rver ] || (cd tools/s3rver && npm install --silent --no-audit --no-fund s3rver@3.7.1)
dir=$(mktemp -d)
tools/s3rver/node_modules/.bin/s3rver -d "$dir" -a 127.0.0.1 -p 4599 --silent --configure-bucket bench >/dev/null 2>&1 &
server=$!
trap 'kill $server; rm -rf "$dir"' EXIT
sleep 2
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:4599 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_REGION=us-east-1
/tmp/darray-remotemean -netcdf "$file" -var t -to-zarr s3://bench/t.zarr -array t
for i in 1 2 3; do t /tmp/darray-remotemean -zarr s3://bench/t.zarr -array t; done
[ -z "$ld" ] || for i in 1 2 3; do echo -n "libdeflate "; t $ld -zarr s3://bench/t.zarr -array t; done
for i in 1 2 3; do t /usr/bin/python3 bench/netcdf_s3.py zarr-dask s3://bench/t.zarr t; done
