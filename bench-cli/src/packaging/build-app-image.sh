#!/usr/bin/env bash
# Builds the desktop app image (and a .deb where dpkg-deb and fakeroot are present) from the CLI's fat jar with
# jpackage and a jlink'ed runtime. Run by the app-image Maven profile (./mvnw -Papp-image -pl bench-cli -am package);
# usage: build-app-image.sh JDK_HOME TARGET_DIR VERSION. Output: TARGET_DIR/app/lmsbench/ (bin/lmsbench is the
# launcher: no arguments or only --debug/-d = the tray for http://localhost:1234, anything else = the CLI) and
# TARGET_DIR/app/lmsbench_VERSION_ARCH.deb. docs/install.md describes the layout.
set -euo pipefail
JDK="$1"; TARGET="$(cd "$2" && pwd)"; VERSION="$3"
SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SRC/../../.." && pwd)"
APP_VERSION="${VERSION%%-*}"   # jpackage wants digits and dots: 0.1.0-SNAPSHOT -> 0.1.0
INPUT="$TARGET/app-input"; OUT="$TARGET/app"; IMAGE="$OUT/lmsbench"

rm -rf "$INPUT" "$OUT"
mkdir -p "$INPUT" "$OUT"
cp "$TARGET/lmsbench.jar" "$INPUT/"
# the project directory of the image (lmsbench.home = $APPDIR): the configuration defaults, presets and suites
cp -r "$ROOT/config" "$INPUT/config"
# desktop entry, the four tray-state icons, shell completion and man pages (generated in process-classes), under
# lib/app/share/ of the image (jpackage's .deb keeps only bin/ and lib/ of an app image)
SHARE="$INPUT/share"
mkdir -p "$SHARE/applications" "$SHARE/icons/hicolor/128x128/apps"
cp "$SRC/lmsbench.desktop" "$SHARE/applications/lmsbench.desktop"
for c in gray green yellow red; do cp "$SRC/icons/lmsbench-$c.png" "$SHARE/icons/hicolor/128x128/apps/"; done
mkdir -p "$SHARE/bash-completion/completions" "$SHARE/zsh/site-functions" "$SHARE/man/man1"
cp "$TARGET/shell/lmsbench.bash" "$SHARE/bash-completion/completions/lmsbench"
cp "$TARGET/shell/_lmsbench" "$SHARE/zsh/site-functions/_lmsbench"
cp "$TARGET"/man/man1/*.1 "$SHARE/man/man1/"

# the JDK modules the jar needs (jdeps), plus the ones reached only by reflection or service loading:
# jdk.unsupported (sun.misc.Unsafe, used by JNA and Jackson when present), jdk.zipfs (zip file systems), jdk.charsets
# (non-UTF-8 server and terminal encodings)
MODULES="$("$JDK/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release base "$INPUT/lmsbench.jar")"
MODULES="$MODULES,jdk.unsupported,jdk.zipfs,jdk.charsets"
echo "build-app-image: modules $MODULES"

"$JDK/bin/jpackage" --type app-image --name lmsbench --app-version "$APP_VERSION" \
  --vendor "LM Studio Bench" --description "Benchmarks local LLM servers" \
  --input "$INPUT" --main-jar lmsbench.jar --main-class dev.lmsbench.cli.AppLauncher \
  --add-modules "$MODULES" \
  --jlink-options "--strip-debug --no-man-pages --no-header-files" \
  --java-options "--enable-native-access=ALL-UNNAMED" \
  --java-options '-Dlmsbench.home=$APPDIR' \
  --icon "$SRC/icons/lmsbench-gray.png" \
  --dest "$OUT"

if command -v dpkg-deb >/dev/null 2>&1 && command -v fakeroot >/dev/null 2>&1; then
  RES="$TARGET/app-resources"; rm -rf "$RES"; mkdir -p "$RES"
  cp "$SRC/lmsbench.desktop" "$RES/lmsbench.desktop"
  "$JDK/bin/jpackage" --type deb --app-image "$IMAGE" --name lmsbench --app-version "$APP_VERSION" \
    --vendor "LM Studio Bench" --description "Benchmarks local LLM servers" \
    --linux-package-name lmsbench --linux-app-category devel --linux-shortcut \
    --linux-deb-maintainer "lmsbench@localhost" \
    --icon "$SRC/icons/lmsbench-gray.png" --resource-dir "$RES" --dest "$OUT"
  echo "build-app-image: $(ls "$OUT"/*.deb)"
else
  echo "build-app-image: no dpkg-deb/fakeroot: app image only (no .deb)"
fi
echo "build-app-image: $IMAGE"
