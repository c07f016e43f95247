#!/usr/bin/env bash
# Regenerates the screenshots docs/dashboard.md shows: they are the ones the browser test saves
# (bench-web's DashboardPagesChromiumIT: real headless Chromium against a real server after real simulator runs,
# twelve models, one of whose ids is markup, to show it stays text), copied here.
#   docs/images/dashboard-screenshots.sh        (needs Debian's chromium and a JDK >= 21)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/docs/images"
cd "$ROOT"
./mvnw -B -q -pl bench-web -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='DashboardPagesChromiumIT,LoadPageChromiumIT' -Dfailsafe.failIfNoSpecifiedTests=false
for page in home run results comparison settings; do
  cp "bench-web/target/dashboard-screenshots/$page-desktop.png" "$OUT/dashboard-$page.png"
done
for page in home run; do
  cp "bench-web/target/dashboard-screenshots/$page-phone.png" "$OUT/dashboard-$page-phone.png"
done
# a sweep started from the Run page (while a call waits for its retry), and its heatmap on Results
cp bench-web/target/dashboard-screenshots/run-sweep-live-desktop.png "$OUT/dashboard-run-sweep.png"
cp bench-web/target/dashboard-screenshots/results-sweep-desktop.png "$OUT/dashboard-results-sweep.png"
# the Load page over seeded load stages (LoadPageChromiumIT: two baselines, rates and concurrencies, a tag of markup)
cp bench-web/target/dashboard-screenshots/load-stages-desktop.png "$OUT/dashboard-load.png"
ls -l "$OUT"/dashboard-*.png
