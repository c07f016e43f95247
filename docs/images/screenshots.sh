#!/usr/bin/env bash
# Regenerates the screenshots docs/reports.md shows, one per report format, from a real simulator run:
#   docs/images/screenshots.sh            (needs chromium and pdftoppm: Debian chromium, poppler-utils)
# Two runs, the second compared with the first, so the comparison shows too. Text formats (JSON, CSV, Markdown)
# are screenshots of the files as Chromium shows them; the PDF's pages are rendered by pdftoppm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/docs/images"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
for tool in chromium pdftoppm; do
  command -v "$tool" >/dev/null || { echo "screenshots.sh: $tool is not on the PATH" >&2; exit 1; }
done

"$ROOT/lmsbench" run --sim --runs 10 --output-dir "$WORK/before" --db "$WORK/results.db" --format json >/dev/null
"$ROOT/lmsbench" run --sim --runs 10 --output-dir "$WORK/run" --db "$WORK/results.db" \
  --format json,csv,html,pdf,md,png --compare-with "$WORK/before" --rank-by decode >/dev/null

shot() { # file width height output.png
  chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
    --no-first-run --hide-scrollbars --user-data-dir="$WORK/chromium" --window-size="$2,$3" \
    --screenshot="$4" "file://$1" >/dev/null 2>&1
}
shot "$WORK/run/report.html" 1280 2400 "$OUT/report-html.png"
shot "$WORK/run/report.md" 1100 900 "$OUT/report-md.png"
shot "$WORK/run/summary.csv" 1100 300 "$OUT/report-csv.png"
shot "$WORK/run/results.json" 1100 900 "$OUT/report-json.png"
pdftoppm -r 50 -png -f 1 -l 3 "$WORK/run/report.pdf" "$WORK/pdf"
for f in "$WORK"/pdf-*.png; do
  n="${f##*-}"; cp "$f" "$OUT/report-pdf-page${n#0}"
done
cp "$WORK/run/charts/decode_toks_per_s.png" "$OUT/report-png-decode.png"
cp "$WORK/run/charts/comparison.png" "$OUT/report-png-comparison.png"
ls -l "$OUT"/*.png
