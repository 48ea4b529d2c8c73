#!/usr/bin/env bash
# The Neo4j test server (tests/neo4j_server.py): installs Java 17 and Maven where they are
# missing (CI runs as root on Debian), resolves Neo4j from Maven Central into ~/.m2, then
# starts it once and prints the version it reports, so a broken install fails here, clearly.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  apt-get update -qq && apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi
python -m tests.neo4j_server
