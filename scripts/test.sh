#!/usr/bin/env bash
# Run every check: lint, types and the whole pytest suite (incl. real-Chromium browser tests).
# Installs what it needs: .venv from requirements.lock; Debian chromium, poppler-utils, nginx and rsync when run
# as root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/env.sh
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v pdfinfo >/dev/null || need+=(poppler-utils)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || need+=(nginx)  # tests/test_nginx.py
command -v rsync >/dev/null || need+=(rsync)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-zenhei fontconfig)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing Debian packages: ${need[*]} (run as root, or: sudo apt-get install ${need[*]})" >&2; exit 1
  fi
fi
.venv/bin/ruff check generator tests bench
.venv/bin/ruff format --check generator tests bench
.venv/bin/mypy
.venv/bin/pytest -q -p no:cacheprovider -n 2 "$@"
