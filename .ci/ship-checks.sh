#!/usr/bin/env bash
# The shipping checks of .ci/run, after the README's `./mvnw -B verify` (issue 16; docs/library.md#reproducible-builds,
# docs/install.md):
#  1. reproducible build: every jar of that build (*/target/*.jar: classes, sources, javadoc, test jars and the shaded
#     lmsbench.jar) is rebuilt from scratch by `./mvnw -B clean install -DskipTests`, which also publishes the
#     artifacts to the local repository, and must come out byte for byte the same;
#  2. the desktop app image: built by the app-image profile and run by AppImageIT (--version, run --sim --dev-mode,
#     the tray with no arguments and with --debug under Xvfb, the .deb);
#  3. examples/consumer: a project of its own, built against the installed artifacts through bench-bom; its test and
#     its program benchmark bench-sim into SQLite and read the results back from the embedded dashboard.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

step() { echo ".ci/ship-checks: $* ($(date -u +%H:%M:%S))"; }

step "1/3 reproducible build"
FIRST="$(mktemp -d)"
trap 'rm -rf "$FIRST"' EXIT
shopt -s nullglob
JARS=(*/target/*.jar)
(( ${#JARS[@]} >= 30 )) || { echo ".ci/ship-checks: only ${#JARS[@]} jars after verify" >&2; exit 1; }
sha256sum "${JARS[@]}" > "$FIRST/SHA256SUMS"
for j in "${JARS[@]}"; do mkdir -p "$FIRST/$(dirname "$j")"; cp "$j" "$FIRST/$j"; done
./mvnw -B -q clean install -DskipTests
if ! sha256sum --quiet -c "$FIRST/SHA256SUMS"; then
  echo ".ci/ship-checks: the second build's jars differ from the first's; the entries that differ:" >&2
  while read -r _ j; do
    cmp -s "$j" "$FIRST/$j" && continue
    python3 - "$FIRST/$j" "$j" <<'PY' >&2
import sys, zipfile
a, b = (zipfile.ZipFile(p) for p in sys.argv[1:3])
ea = {i.filename: (i.CRC, i.date_time) for i in a.infolist()}
eb = {i.filename: (i.CRC, i.date_time) for i in b.infolist()}
diff = sorted(n for n in ea.keys() | eb.keys() if ea.get(n) != eb.get(n))
order = [i.filename for i in a.infolist()] != [i.filename for i in b.infolist()]
print(f"  {sys.argv[2]}: {len(diff)} entries differ{' (and the entry order)' if order else ''}: {diff[:10]}")
PY
  done < "$FIRST/SHA256SUMS"
  exit 1
fi
step "the ${#JARS[@]} jars of two builds are identical; installed to the local repository"

step "2/3 the desktop app image"
./mvnw -B verify -Papp-image -pl bench-cli -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=AppImageIT

step "3/3 examples/consumer against the installed artifacts"
./mvnw -B -f examples/consumer/pom.xml verify
step "done"
