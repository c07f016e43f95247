#!/usr/bin/env bash
# Builds llama.cpp's llama-server offline and prints the path of the binary on stdout (and nothing else there;
# progress goes to stderr). The source is the git bundle that the npm package node-llama-cpp ships
# (package/llama/gitRelease.bundle), so only the npm registry is needed. Idempotent: the binary is cached under
#   ${XDG_CACHE_HOME:-$HOME/.cache}/lmsbench/llama-server-<node-llama-cpp version>-<llama.cpp tag>/llama-server
# and a later run only checks that it starts (seconds). Needs cmake, g++, git and npm (.ci/run installs them).
#   NODE_LLAMA_CPP_VERSION  the npm package version to take the source from (default below)
#   LLAMA_BUILD_JOBS        parallel compile jobs (default 2)
set -euo pipefail

NLC_VERSION="${NODE_LLAMA_CPP_VERSION:-3.22.1}"
JOBS="${LLAMA_BUILD_JOBS:-2}"
CACHE_ROOT="${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/lmsbench"

log() { echo "llama-server.sh: $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

for tool in cmake g++ git npm tar; do
  command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (apt-get install cmake g++ git npm)"
done

# A finished build of this version is found without touching the network.
shopt -s nullglob
for cached in "$CACHE_ROOT/llama-server-$NLC_VERSION-"*/llama-server; do
  if [[ -x "$cached" ]] && "$cached" --version >/dev/null 2>&1; then
    log "cached: $cached"
    echo "$cached"
    exit 0
  fi
done
shopt -u nullglob

mkdir -p "$CACHE_ROOT"
# a build killed before its clean-up (SIGKILL, a machine stop) leaves its work folder: drop those older than a day
find "$CACHE_ROOT" -maxdepth 1 -name 'build.*' -type d -mmin +1440 -exec rm -rf {} + 2>/dev/null || true
WORK="$(mktemp -d "$CACHE_ROOT/build.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

log "fetching node-llama-cpp@$NLC_VERSION from the npm registry"
(cd "$WORK" && npm pack --loglevel=error "node-llama-cpp@$NLC_VERSION" >/dev/null) || die "npm pack node-llama-cpp@$NLC_VERSION failed"
tar -xzf "$WORK/node-llama-cpp-$NLC_VERSION.tgz" -C "$WORK" package/llama/gitRelease.bundle package/llama/llama.cpp.info.json \
  || die "node-llama-cpp@$NLC_VERSION has no package/llama/gitRelease.bundle"

git clone -q "$WORK/package/llama/gitRelease.bundle" "$WORK/src" 2>/dev/null || die "cloning the llama.cpp bundle failed"
COMMIT="$(git -C "$WORK/src" rev-parse HEAD)"
TAG="$(sed -n 's/.*"tag"[[:space:]]*:[[:space:]]*"\([A-Za-z0-9._-]*\)".*/\1/p' "$WORK/package/llama/llama.cpp.info.json" | head -1)"
ID="${TAG:-${COMMIT:0:12}}"
DEST="$CACHE_ROOT/llama-server-$NLC_VERSION-$ID"
log "llama.cpp tag '${TAG:-none}', commit $COMMIT"

if [[ -x "$DEST/llama-server" ]] && "$DEST/llama-server" --version >/dev/null 2>&1; then
  echo "$DEST/llama-server"
  exit 0
fi

log "configuring (CPU only, static, no web UI, no OpenSSL)"
# LLAMA_CURL is gone from this llama.cpp (deprecated option), so it is not passed.
cmake -S "$WORK/src" -B "$WORK/build" -DCMAKE_BUILD_TYPE=Release \
  -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_OPENSSL=OFF \
  -DGGML_NATIVE=OFF -DBUILD_SHARED_LIBS=OFF \
  -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_NUMBER=0 -DLLAMA_BUILD_COMMIT="${COMMIT:0:12}" \
  >"$WORK/configure.log" 2>&1 || { tail -40 "$WORK/configure.log" >&2; die "cmake configure failed"; }

log "building llama-server with -j$JOBS (8 to 13 minutes on 2 cores)"
start=$SECONDS
cmake --build "$WORK/build" --target llama-server -j"$JOBS" >"$WORK/build.log" 2>&1 \
  || { tail -60 "$WORK/build.log" >&2; die "building llama-server failed"; }
log "built in $((SECONDS - start)) s"

BIN="$WORK/build/bin/llama-server"
[[ -x "$BIN" ]] || die "the build produced no $BIN"
"$BIN" --version >/dev/null 2>&1 || die "$BIN --version fails"

# Publish atomically: a half-copied binary is never taken for a cached one.
mkdir -p "$DEST"
cp "$BIN" "$DEST/llama-server.tmp.$$"
echo "node-llama-cpp $NLC_VERSION, llama.cpp tag ${TAG:-none} commit $COMMIT" >"$DEST/VERSION"
mv -f "$DEST/llama-server.tmp.$$" "$DEST/llama-server"
log "cached: $DEST/llama-server"
echo "$DEST/llama-server"
