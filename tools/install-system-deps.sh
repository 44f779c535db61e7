#!/usr/bin/env bash
# Debian packages the test suite calls: the reference writers and readers that fixtures are cross-checked
# against (netCDF4, h5py, zarr, segyio, eccodes, scikit-image, Pillow), Chromium for the HTML pages, and Mesa's
# lavapipe (a Vulkan driver on the CPU) so the WebGPU kernels run for real in the tests, bubblewrap (the sandbox of
# `fieldbench ci-score`) and PyYAML (reads the CI workflow in its test). Dawn needs a newer
# lavapipe than bookworm's 22.3 (it lacks shaderUniformBufferArrayDynamicIndexing), hence bookworm-backports' 25.x.
# Needs root (CI runs as root); a no-op when everything is already there.
set -euo pipefail
pkgs=(python3-numpy python3-netcdf4 python3-h5py python3-zarr python3-numcodecs python3-segyio python3-skimage
      python3-pil python3-scipy python3-eccodes libeccodes-tools netcdf-bin hdf5-tools chromium python3-onnx
      bubblewrap python3-yaml)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# lavapipe from bookworm-backports (on other releases, the release's own mesa-vulkan-drivers when it is new enough).
mesa_major=$( (dpkg-query -W -f '${Version}' mesa-vulkan-drivers 2>/dev/null || true) | cut -d. -f1)
if [ "${mesa_major:-0}" -lt 24 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  if grep -qs bookworm /etc/os-release; then
    echo "deb http://deb.debian.org/debian bookworm-backports main" | $SUDO tee /etc/apt/sources.list.d/fieldbench-backports.list >/dev/null
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends -t bookworm-backports mesa-vulkan-drivers >/dev/null
  else
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends mesa-vulkan-drivers >/dev/null
  fi
fi
echo "system test dependencies present: ${pkgs[*]} mesa-vulkan-drivers $(dpkg-query -W -f '${Version}' mesa-vulkan-drivers)"
