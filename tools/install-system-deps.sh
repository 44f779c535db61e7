#!/usr/bin/env bash
# Debian packages the test suite calls: the reference writers and readers that fixtures are cross-checked
# against (netCDF4, h5py, zarr, segyio, eccodes, scikit-image, Pillow) and Chromium for the HTML pages.
# Needs root (CI runs as root); a no-op when everything is already there.
set -euo pipefail
pkgs=(python3-numpy python3-netcdf4 python3-h5py python3-zarr python3-numcodecs python3-segyio python3-skimage
      python3-pil python3-scipy python3-eccodes libeccodes-tools netcdf-bin hdf5-tools chromium python3-onnx)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "system test dependencies present: ${pkgs[*]}"
