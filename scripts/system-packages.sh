#!/usr/bin/env bash
# Install the Debian packages Summit needs, when missing.
#   scripts/system-packages.sh run    fonts, HarfBuzz subsetting and poppler for badges (warns when not root)
#   scripts/system-packages.sh test   everything the test suite drives (required)
set -euo pipefail

mode="${1:-run}"
run_packages=(fonts-noto-cjk fonts-tibetan-machine fontconfig libpango-1.0-0 libpangoft2-1.0-0
              libharfbuzz-subset0 poppler-utils)
test_packages=("${run_packages[@]}" postgresql redis-server chromium zbar-tools wrk
               cups-ipp-utils gcc nginx)

case "$mode" in
  run) wanted=("${run_packages[@]}") ;;
  test) wanted=("${test_packages[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=()
for package in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done
# python3 -m venv needs Debian's python3-venv when the system Python is used.
if ! python3 -c "import ensurepip" >/dev/null 2>&1; then
  missing+=(python3-venv)
fi

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fc-cache -f >/dev/null 2>&1 || true
  exit 0
fi

echo "Missing Debian packages: ${missing[*]}" >&2
echo "Install them with:  sudo apt-get install ${missing[*]}" >&2
if [ "$mode" = "run" ]; then
  echo "Continuing: Chinese and Tibetan text will print as empty boxes until the fonts are installed." >&2
  exit 0
fi
exit 1
