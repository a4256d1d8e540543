#!/usr/bin/env bash
# Build the demo portal from catalog/ into published/ (creates .venv on first run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/env.sh
.venv/bin/gongshi build --catalog catalog --out published "$@"
echo
echo "Open it: .venv/bin/gongshi serve   →   http://127.0.0.1:8000/"
echo "打开预览：.venv/bin/gongshi serve   →   http://127.0.0.1:8000/"
