#!/usr/bin/env bash
# Snapshots of what a refactoring must not change, written to the folder given (default
# .golden/): the URL rules, the template names, the OpenAPI document, the migration diff of the
# models against the migrations, and the test ids. Take them before and after; diff the folders.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(realpath -m "${1:-.golden}")"
mkdir -p "$out"
bin=.venv/bin
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export FLASK_APP=summit SUMMIT_INSTANCE_PATH="$scratch" FLASK_DEBUG=1
$bin/flask routes --sort rule > "$out/routes.txt"
$bin/python - "$out" <<'PY'
import json, sys
from summit import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "golden", "INSTANCE_PATH": sys.argv[1] + "/.instance"})
with open(sys.argv[1] + "/templates.txt", "w") as f:
    f.write("\n".join(sorted(app.jinja_env.list_templates())) + "\n")
response = app.test_client().get("/api/v1/openapi.json")
with open(sys.argv[1] + "/openapi.json", "w") as f:
    json.dump(response.get_json(), f, indent=1, sort_keys=True, ensure_ascii=False)
PY
rm -rf "$out/.instance"
$bin/flask db upgrade >/dev/null 2>&1
$bin/flask db migrate -m golden --rev-id golden0000 2>&1 | grep -v "^INFO  \[alembic.runtime" \
  | sed "s#$PWD/##" > "$out/migrate.txt" || true
rm -f migrations/versions/golden0000_*.py
$bin/python -m pytest --collect-only -q -p no:randomly 2>/dev/null | grep "::" | sort > "$out/test-ids.txt"
wc -l "$out"/*
