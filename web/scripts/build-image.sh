#!/usr/bin/env bash
# Builds what the web image runs (deploy/web.Dockerfile runs this same script, and so does test.sh):
# a standalone Next.js server in .next/standalone, its static files, and the auth migration as one file (migrate.mjs).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 NEXT_OUTPUT=standalone
npx --no-install next build
rm -rf .next/standalone/.next/static
cp -r .next/static .next/standalone/.next/static
[ -d public ] && cp -r public .next/standalone/public
# Bundled, with the database drivers left to the server's node_modules (libsql and pg carry native or optional parts).
npx --no-install esbuild scripts/migrate.ts --bundle --platform=node --format=esm --target=node20 --log-level=warning \
  --outfile=.next/standalone/migrate.mjs --external:@libsql/* --external:libsql --external:pg --external:kysely \
  --banner:js="import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);"
