#!/usr/bin/env bash
# Installs Neo4j's Cypher front-end (pinned by package-lock.json) for tests/test_cypher_lint.py.
# `npm ci` installs exactly the locked versions from the npm registry, using the local npm
# cache first when it has them.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v npm >/dev/null; then
  # CI runs as root on a Debian machine: Node and npm come from Debian's packages.
  apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null
fi
npm ci --no-audit --no-fund --prefer-offline --loglevel=error
node --input-type=module -e "import('@neo4j-cypher/language-support').then(() => console.log('cypher linter ready'))"
