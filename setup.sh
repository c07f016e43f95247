#!/usr/bin/env bash
# setup.sh: checks and installs what LM Studio Bench needs on Linux (a JDK >= 21, git, curl; optionally the tray's
# AWT libraries and Intel GPU tools), reports the LM Studio stack and the GPUs that `lmsbench hw` can read, builds the
# CLI jar and, with --completion, installs shell completion and man pages. See docs/install.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MIN_JAVA=21
JVM_DIR="${LMSBENCH_JVM_DIR:-/usr/lib/jvm}"
# where shared libraries are looked for when ldconfig does not know them (colon-separated; tests point it elsewhere)
LIB_DIRS="${LMSBENCH_LIB_DIRS:-/usr/lib/x86_64-linux-gnu:/usr/lib/aarch64-linux-gnu:/usr/lib64:/usr/lib:/usr/local/lib:/usr/local/cuda/lib64:/opt/rocm/lib}"
SYS_DIR="${LMSBENCH_SYS_DIR:-/sys}"
DOWNLOAD_URL="https://lmstudio.ai/download"

usage() {
  cat <<'EOF'
Usage: ./setup.sh [--yes | --interactive] [--dry-run] [--completion] [--help]

Checks and installs what LM Studio Bench needs, then builds bench-cli/target/lmsbench.jar.

  -y, --yes        non-interactive: install the required packages (JDK 21+, git, curl),
                   answer "no" to every optional install
      --interactive
                   ask before every install (the default when stdin is a terminal;
                   without a terminal setup.sh behaves as with --yes)
      --dry-run    print every action it would take ("[dry-run] would run: ..."), change
                   nothing but the log under logs/; implies non-interactive
      --completion also install bash/zsh completion and man pages into
                   ${XDG_DATA_HOME:-~/.local/share} (offered as a question in interactive mode)
  -h, --help       show this help and exit

Log: logs/setup_YYYYMMDD_HHMMSS.log, logs/setup_latest.log points at the newest.
Details: docs/install.md
EOF
}

# ---------------------------------------------------------------- arguments
DRY_RUN=0
INTERACTIVE=""   # empty: decided by the terminal below
COMPLETION=0
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    -y|--yes) INTERACTIVE=0 ;;
    --interactive) INTERACTIVE=1 ;;
    --dry-run) DRY_RUN=1 ;;
    --completion) COMPLETION=1 ;;
    *) echo "setup.sh: unknown option '$arg' (see ./setup.sh --help)" >&2; exit 2 ;;
  esac
done
if (( DRY_RUN )); then
  INTERACTIVE=0
elif [[ -z "$INTERACTIVE" ]]; then
  if [[ -t 0 ]]; then INTERACTIVE=1; else INTERACTIVE=0; fi
fi

# ---------------------------------------------------------------- logging
# Everything printed also goes to the log; the log is the only file --dry-run creates.
mkdir -p "$ROOT/logs"
LOG_NAME="setup_$(date +%Y%m%d_%H%M%S).log"
LOG="$ROOT/logs/$LOG_NAME"
: >> "$LOG"
ln -sfn "$LOG_NAME" "$ROOT/logs/setup_latest.log"
exec > >(tee -a "$LOG")
TEE_PIDS="$!"
exec 2> >(tee -a "$LOG" >&2)
TEE_PIDS+=" $!"
# Wait for tee at exit so that whoever ran setup.sh sees (and the log has) every line when it returns.
trap 'exec 1>&- 2>&-; wait $TEE_PIDS 2>/dev/null || true' EXIT

say() { echo "$*"; }
fail() { echo "setup.sh: $*" >&2; exit 1; }

SUMMARY=()   # "ok|warn|fail<TAB>check<TAB>detail"
note() { SUMMARY+=("$1"$'\t'"$2"$'\t'"$3"); printf '  [%-4s] %s: %s\n' "$1" "$2" "$3"; }

# run CMD...: runs it, or under --dry-run prints it
run() {
  if (( DRY_RUN )); then say "[dry-run] would run: $*"; return 0; fi
  say "+ $*"
  "$@"
}

# ask QUESTION DEFAULT(y|n): 0 for yes. --yes answers y for required installs (DEFAULT y) and n for optional ones.
ask() {
  local question="$1" default="$2" answer hint="[y/N]"
  [[ "$default" == y ]] && hint="[Y/n]"
  if (( DRY_RUN )); then
    say "[dry-run] would ask: $question $hint (answered $default without a terminal)"
    [[ "$default" == y ]]; return
  fi
  if (( ! INTERACTIVE )); then
    say "$question $hint $default (non-interactive)"
    [[ "$default" == y ]]; return
  fi
  printf '%s %s ' "$question" "$hint"
  if ! IFS= read -r answer; then answer=""; echo; fi   # end of input: the default
  [[ -z "$answer" ]] && answer="$default"
  [[ "$answer" =~ ^[Yy] ]]
}

have() { command -v "$1" >/dev/null 2>&1; }

# has_lib NAME: the shared library is known to ldconfig or lies in one of LIB_DIRS
has_lib() {
  local d
  # ldconfig -p lines: "<tab>libnvidia-ml.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1"
  if have ldconfig && ldconfig -p 2>/dev/null | awk -v n="$1" '$1 == n {f = 1} END {exit !f}'; then return 0; fi
  IFS=: read -r -a dirs <<< "$LIB_DIRS"
  for d in "${dirs[@]}"; do [[ -e "$d/$1" ]] && return 0; done
  return 1
}

say "LM Studio Bench setup ($(date '+%Y-%m-%d %H:%M:%S'))"
say "repository: $ROOT"
say "log: $LOG"
(( DRY_RUN )) && say "mode: dry run (nothing is changed)"
if (( ! DRY_RUN )); then
  if (( INTERACTIVE )); then say "mode: interactive"; else say "mode: non-interactive (--yes)"; fi
fi

# ---------------------------------------------------------------- operating system
OS="$(uname -s)"
[[ "$OS" == Linux ]] || fail "only Linux is supported (uname -s says '$OS')"

# ---------------------------------------------------------------- package manager
say ""
say "== Package manager"
PM=""
for candidate in apt-get dnf pacman zypper apk; do
  if have "$candidate"; then PM="$candidate"; break; fi
done
if [[ -n "$PM" ]]; then
  note ok "package manager" "$PM"
else
  note warn "package manager" "none of apt-get, dnf, pacman, zypper, apk found: install missing packages by hand"
fi

SUDO=()
if (( EUID != 0 )); then
  if have sudo; then SUDO=(sudo); else say "  not root and no sudo: installs will probably fail"; fi
fi

# apt_jdk: the apt package of a JDK >= 21 that the sources offer. openjdk-21-jdk is in Ubuntu 22.04 (universe) and
# 24.04 and in Debian 13 (trixie); Debian 12 (bookworm) stops at openjdk-17, so there we try newer ones and otherwise
# point at Temurin. The full JDK (not -headless) because the tray needs AWT's X11 part (libawt_xawt.so).
apt_jdk() {
  local p c
  have apt-cache || { echo openjdk-21-jdk; return; }
  for p in openjdk-21-jdk openjdk-25-jdk openjdk-21-jdk-headless openjdk-25-jdk-headless; do
    c="$(apt-cache policy "$p" 2>/dev/null | awk '/Candidate:/ {print $2; exit}')"
    if [[ -n "$c" && "$c" != "(none)" ]]; then echo "$p"; return; fi
  done
  return 1
}

# pkg_names WHAT: the package manager's names for jdk, git, curl, tray-libs, intel-gpu-tools
pkg_names() {
  case "$PM:$1" in
    apt-get:jdk) apt_jdk ;;
    dnf:jdk|zypper:jdk) echo java-21-openjdk-devel ;;
    pacman:jdk) echo jdk21-openjdk ;;
    apk:jdk) echo openjdk21 ;;
    *:git) echo git ;;
    *:curl) echo curl ;;
    apt-get:tray-libs) echo libxtst6 libxrender1 libxi6 ;;
    dnf:tray-libs) echo libXtst libXrender libXi ;;
    pacman:tray-libs|apk:tray-libs) echo libxtst libxrender libxi ;;
    zypper:tray-libs) echo libXtst6 libXrender1 libXi6 ;;
    dnf:intel-gpu-tools|apk:intel-gpu-tools) echo igt-gpu-tools ;;
    *:intel-gpu-tools) echo intel-gpu-tools ;;
    *) return 1 ;;
  esac
}

# apt's package lists are empty on a fresh machine or container (and may be stale elsewhere): refreshed once, before
# the first apt install, or when they offer no JDK 21+. Under --dry-run only printed.
APT_UPDATED=0
apt_update_once() {
  (( APT_UPDATED )) && return 0
  APT_UPDATED=1
  run "${SUDO[@]}" apt-get update -q || say "  apt-get update failed; using the package lists as they are"
}

# install PKG...: the package manager's non-interactive install command, as root
install_pkgs() {
  case "$PM" in
    apt-get) apt_update_once; run "${SUDO[@]}" apt-get install -y "$@" ;;
    dnf) run "${SUDO[@]}" dnf install -y "$@" ;;
    pacman) run "${SUDO[@]}" pacman -S --noconfirm "$@" ;;
    zypper) run "${SUDO[@]}" zypper --non-interactive install "$@" ;;
    apk) run "${SUDO[@]}" apk add "$@" ;;
    *) return 1 ;;
  esac
}

# offer_install WHAT DEFAULT REASON: asks, installs; 0 when installed (or would be, under --dry-run)
offer_install() {
  local what="$1" default="$2" reason="$3" names
  [[ -n "$PM" ]] || return 1
  if ! names="$(pkg_names "$what")"; then
    # no candidate in apt's lists: perhaps only because they were never fetched
    if [[ "$PM" == apt-get ]] && (( ! APT_UPDATED && ! DRY_RUN )); then
      apt_update_once
      names="$(pkg_names "$what")" || names=""
    fi
    if [[ -z "$names" ]]; then
      say "  no $PM package known for $what"
      return 1
    fi
  fi
  # shellcheck disable=SC2086 # names is a space-separated package list
  ask "Install $names ($reason)?" "$default" || return 1
  # shellcheck disable=SC2086
  install_pkgs $names || { say "  $PM could not install $names"; return 1; }
}

# ---------------------------------------------------------------- core dependencies
java_version() { # the feature version of a java binary, or nothing (the same probe as ./lmsbench)
  "$1" -XshowSettings:properties -version 2>&1 \
    | awk -F'= ' '/java.specification.version/ {print $2; exit}' | sed 's/^1\.//; s/\..*//'
}

TOO_OLD=()
find_jdk() { # sets JDK_HOME to the first JDK >= MIN_JAVA (with javac) among $JAVA_HOME, PATH, JVM_DIR/*,
  # and TOO_OLD to the ones passed over (not in a subshell, so that both arrive)
  local candidates=() j v home
  TOO_OLD=()
  JDK_HOME=""
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME/bin/java")
  have java && candidates+=("$(command -v java)")
  while IFS= read -r j; do candidates+=("$j"); done < <(ls -d "$JVM_DIR"/*/bin/java 2>/dev/null | sort -rV)
  for j in "${candidates[@]}"; do
    [[ -x "$j" ]] || continue
    j="$(readlink -f "$j")"
    home="$(cd "$(dirname "$j")/.." && pwd)"
    v="$(java_version "$j" || true)"
    if [[ "$v" =~ ^[0-9]+$ ]] && (( v >= MIN_JAVA )); then
      if [[ -x "$home/bin/javac" ]]; then JDK_HOME="$home"; return 0; fi
      TOO_OLD+=("$home (Java $v without javac: a JRE)")
    else
      TOO_OLD+=("$home (Java ${v:-unknown})")
    fi
  done
  return 1
}

say ""
say "== Core dependencies"
find_jdk || true
MISSING=()
if [[ -n "$JDK_HOME" ]]; then
  note ok "JDK" "Java $(java_version "$JDK_HOME/bin/java") at $JDK_HOME"
else
  (( ${#TOO_OLD[@]} )) && say "  too old or incomplete: ${TOO_OLD[*]}"
  say "  no JDK $MIN_JAVA or newer (looked at \$JAVA_HOME, PATH and $JVM_DIR/*)"
  MISSING+=(jdk)
fi
for tool in git curl; do
  if have "$tool"; then note ok "$tool" "$(command -v "$tool")"; else say "  $tool not found"; MISSING+=("$tool"); fi
done

if (( ${#MISSING[@]} )); then
  names=()
  for what in "${MISSING[@]}"; do
    if [[ -n "$PM" ]] && n="$(pkg_names "$what")"; then names+=("$n")
    elif [[ "$what" == jdk && "$PM" == apt-get ]] && (( ! APT_UPDATED && ! DRY_RUN )) && apt_update_once \
        && n="$(pkg_names jdk)"; then names+=("$n")  # the lists had not been fetched yet
    elif [[ "$what" == jdk && "$PM" == apt-get ]]; then
      say "  your apt sources have no OpenJDK $MIN_JAVA+ (Debian 12 has only 17): install Temurin $MIN_JAVA+ (https://adoptium.net) and rerun"
    fi
  done
  if (( ${#names[@]} )) && ask "Install ${names[*]} (required)?" y; then
    # shellcheck disable=SC2068 # each entry may hold several names
    install_pkgs ${names[@]} || say "  $PM could not install ${names[*]}"
  fi
  if (( ! DRY_RUN )); then
    for what in "${MISSING[@]}"; do
      case "$what" in
        jdk)
          find_jdk || true
          if [[ -n "$JDK_HOME" ]]; then note ok "JDK" "Java $(java_version "$JDK_HOME/bin/java") at $JDK_HOME (installed)"
          else note fail "JDK" "no JDK $MIN_JAVA+; install one (Temurin or your distribution's OpenJDK $MIN_JAVA+) or set JAVA_HOME"; fi ;;
        *)
          if have "$what"; then note ok "$what" "$(command -v "$what") (installed)"
          else note warn "$what" "not installed; install $what by hand"; fi ;;
      esac
    done
  else
    for what in "${MISSING[@]}"; do note warn "$what" "missing (a real run offers to install it)"; done
  fi
fi

# ---------------------------------------------------------------- tray (optional)
say ""
say "== System tray (optional, for the tray icon of ./lmsbench -w)"
AWT_LIBS=(libXtst.so.6 libXrender.so.1 libXi.so.6)
missing_libs=()
for lib in "${AWT_LIBS[@]}"; do has_lib "$lib" || missing_libs+=("$lib"); done
if (( ${#missing_libs[@]} )); then
  if offer_install tray-libs n "AWT's X11 libraries for the tray icon"; then
    if (( DRY_RUN )); then note warn "tray libraries" "missing ${missing_libs[*]} (a real run would install them)"
    else note ok "tray libraries" "installed"; fi
  else
    note warn "tray libraries" "missing ${missing_libs[*]}: the tray icon cannot start (install: ${PM:-your package manager} $(pkg_names tray-libs 2>/dev/null || echo 'libXtst libXrender libXi'))"
  fi
else
  note ok "tray libraries" "${AWT_LIBS[*]}"
fi
if [[ -n "$JDK_HOME" && ! -e "$JDK_HOME/lib/libawt_xawt.so" ]]; then
  note warn "tray JDK" "$JDK_HOME has no libawt_xawt.so (a headless JDK): the tray needs a full JDK"
fi
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  note warn "desktop session" "no DISPLAY or WAYLAND_DISPLAY: no tray icon here (the dashboard and the CLI work without it)"
elif [[ -n "$JDK_HOME" && -z "${DISPLAY:-}" ]]; then
  note warn "desktop session" "Wayland without DISPLAY: the tray needs XWayland (DISPLAY) and an XEmbed tray host"
elif [[ -n "$JDK_HOME" && -e "$JDK_HOME/lib/libawt_xawt.so" ]]; then
  # Ask AWT itself, as bench-tray does: is there an XEmbed system tray (_NET_SYSTEM_TRAY_S0) on this display?
  tray="$(echo 'class P { public static void main(String[] a) { try { System.out.println(java.awt.SystemTray.isSupported() ? "yes" : "no"); } catch (Throwable t) { System.out.println("error " + t.getMessage()); } } }' \
    | "$JDK_HOME/bin/java" -Djava.awt.headless=false --source "$MIN_JAVA" /dev/stdin 2>/dev/null | tail -n 1 || true)"
  case "$tray" in
    yes) note ok "system tray" "a tray host on DISPLAY=${DISPLAY}" ;;
    no) note warn "system tray" "DISPLAY=${DISPLAY} has no XEmbed system tray (e.g. trayer, xfce4-panel; GNOME needs the AppIndicator extension)" ;;
    *) note warn "system tray" "could not ask AWT on DISPLAY=${DISPLAY}: ${tray:-no answer}" ;;
  esac
fi

# ---------------------------------------------------------------- LM Studio stack
say ""
say "== LM Studio"
LMS=""
if have lms; then LMS="$(command -v lms)"
elif [[ -x "$HOME/.lmstudio/bin/lms" ]]; then LMS="$HOME/.lmstudio/bin/lms"
fi
if [[ -n "$LMS" ]]; then
  # `lms version` prints a banner; keep its line with the version (or the commit), bounded in time
  limit=()
  have timeout && limit=(timeout 5)
  version="$("${limit[@]}" "$LMS" version 2>/dev/null | grep -Ei 'v?[0-9]+\.[0-9]+|version|commit' | head -n 1 \
    | sed 's/^[[:space:]]*//; s/[[:space:]]*$//' || true)"
  note ok "LM Studio" "lms at $LMS${version:+ ($version)}"
elif have llmster; then
  note ok "LM Studio" "llmster (headless) at $(command -v llmster)"
else
  note warn "LM Studio" "neither lms nor llmster found: get LM Studio at $DOWNLOAD_URL (./lmsbench run --sim needs none)"
fi

# ---------------------------------------------------------------- GPUs
say ""
say "== GPUs (what lmsbench hw can read; CPU and RAM always come from OSHI)"
if ! have lspci; then
  note warn "GPU" "lspci not found (package pciutils): no GPU detected: lmsbench hw reads CPU and RAM only"
else
  gpus="$(lspci 2>/dev/null | grep -E 'VGA compatible controller|3D controller|Display controller' || true)"
  nvidia="$(grep -E 'NVIDIA' <<< "$gpus" || true)"
  amd="$(grep -E 'Advanced Micro Devices|\[AMD/ATI\]|\bAMD\b|\bATI\b' <<< "$gpus" || true)"
  intel="$(grep -E 'Intel Corporation' <<< "$gpus" || true)"
  [[ -n "$gpus" ]] && while IFS= read -r line; do say "  $line"; done <<< "$gpus"
  if [[ -z "$nvidia$amd$intel" ]]; then
    note warn "GPU" "no GPU detected: lmsbench hw reads CPU and RAM only"
  fi
  if [[ -n "$nvidia" ]]; then
    if has_lib libnvidia-ml.so.1; then
      note ok "NVIDIA" "libnvidia-ml.so.1: lmsbench hw reads it through NVML (VRAM, utilization, power and limit, temperature, clocks, PCIe link)"
    elif have nvidia-smi; then
      note ok "NVIDIA" "nvidia-smi (no libnvidia-ml.so.1): lmsbench hw reads the same figures through the nvidia-smi backend"
    else
      case "$PM" in
        apt-get) fix="apt-get install nvidia-driver (Debian, non-free) or ubuntu-drivers install (Ubuntu)" ;;
        dnf) fix="dnf install akmod-nvidia (RPM Fusion)" ;;
        pacman) fix="pacman -S nvidia-utils" ;;
        zypper) fix="zypper install nvidia-compute-utils-G06 (NVIDIA's repository)" ;;
        *) fix="NVIDIA's driver" ;;
      esac
      note warn "NVIDIA" "neither libnvidia-ml.so.1 nor nvidia-smi found: install the NVIDIA driver ($fix); until then lmsbench hw reads no NVIDIA figures"
    fi
  fi
  if [[ -n "$amd" ]]; then
    amdgpu=0
    if [[ -d "$SYS_DIR/module/amdgpu" ]] || { have lsmod && lsmod 2>/dev/null | grep -q '^amdgpu '; }; then amdgpu=1; fi
    if (( amdgpu )); then say "  amdgpu kernel module: loaded"; else say "  amdgpu kernel module: not loaded"; fi
    if has_lib libdrm_amdgpu.so.1; then say "  libdrm: libdrm_amdgpu.so.1 found"
    else say "  libdrm: libdrm_amdgpu.so.1 not found (LM Studio's Vulkan runtime uses it; package libdrm-amdgpu1 / libdrm)"; fi
    if has_lib librocm_smi64.so; then
      note ok "AMD" "librocm_smi64.so: lmsbench hw reads it through ROCm SMI (VRAM, GTT, utilization, power and cap, temperature; clocks and PCIe from sysfs)"
    elif have rocm-smi; then
      note ok "AMD" "rocm-smi (no librocm_smi64.so): lmsbench hw reads the same figures through the rocm-smi-cli backend"
    elif (( amdgpu )); then
      note ok "AMD" "no ROCm, amdgpu driver loaded: lmsbench hw reads its sysfs files (VRAM, GTT, utilization, power, temperature, clocks); ROCm (https://rocm.docs.amd.com) adds rocm-smi"
    else
      note warn "AMD" "no rocm-smi, no librocm_smi64.so and the amdgpu kernel module is not loaded: load amdgpu (modprobe amdgpu) or install ROCm (https://rocm.docs.amd.com); until then lmsbench hw reads no AMD figures"
    fi
  fi
  if [[ -n "$intel" ]]; then
    if have intel_gpu_top; then
      note ok "Intel" "intel_gpu_top: lmsbench hw reads utilization, power and core clock (needs root or CAP_PERFMON; no VRAM or temperature)"
    elif offer_install intel-gpu-tools n "intel_gpu_top, for Intel GPU figures in lmsbench hw" && (( ! DRY_RUN )) && have intel_gpu_top; then
      note ok "Intel" "intel_gpu_top installed: lmsbench hw reads utilization, power and core clock (needs root or CAP_PERFMON)"
    else
      note warn "Intel" "intel_gpu_top not found: install $(pkg_names intel-gpu-tools 2>/dev/null || echo intel-gpu-tools) for Intel GPU figures in lmsbench hw"
    fi
  fi
fi

# ---------------------------------------------------------------- build
say ""
say "== Build"
JAR="$ROOT/bench-cli/target/lmsbench.jar"
BUILD_FAILED=0
BUILD=(./mvnw -B -q -DskipTests -pl bench-cli -am package)
if (( DRY_RUN )); then
  say "[dry-run] would run: cd $ROOT && JAVA_HOME=${JDK_HOME:-<the installed JDK>} ${BUILD[*]}"
  note ok "build" "skipped (dry run)"
elif [[ -z "$JDK_HOME" ]]; then
  note fail "build" "not attempted: no JDK $MIN_JAVA+"
else
  say "+ JAVA_HOME=$JDK_HOME ${BUILD[*]}"
  if (cd "$ROOT" && JAVA_HOME="$JDK_HOME" "${BUILD[@]}"); then
    note ok "build" "$JAR"
  else
    BUILD_FAILED=1
    note fail "build" "./mvnw failed; see the Maven output above and $LOG"
  fi
fi

# ---------------------------------------------------------------- shell completion and man pages
DATA_HOME="${XDG_DATA_HOME:-$HOME/.local/share}"
(( BUILD_FAILED )) && COMPLETION=0
if (( ! COMPLETION && INTERACTIVE && ! BUILD_FAILED )) && ask "Install bash/zsh completion and man pages into $DATA_HOME?" n; then
  COMPLETION=1
fi
if (( COMPLETION )); then
  say ""
  say "== Shell completion and man pages"
  copies=(
    "bench-cli/target/shell/lmsbench.bash|$DATA_HOME/bash-completion/completions/lmsbench"
    "bench-cli/target/shell/_lmsbench|$DATA_HOME/zsh/site-functions/_lmsbench"
  )
  shopt -s nullglob
  for page in "$ROOT"/bench-cli/target/man/man1/*.1; do
    copies+=("bench-cli/target/man/man1/$(basename "$page")|$DATA_HOME/man/man1/$(basename "$page")")
  done
  shopt -u nullglob
  if (( DRY_RUN )); then
    say "[dry-run] would copy bench-cli/target/shell/lmsbench.bash, bench-cli/target/shell/_lmsbench and bench-cli/target/man/man1/*.1 (built by ./mvnw) into $DATA_HOME/{bash-completion/completions,zsh/site-functions,man/man1}"
    note ok "completion" "skipped (dry run)"
  else
    missing=()
    installed=0
    for pair in "${copies[@]}"; do
      src="$ROOT/${pair%%|*}" dst="${pair#*|}"
      if [[ -f "$src" ]]; then
        mkdir -p "$(dirname "$dst")" && cp "$src" "$dst" && say "  $dst" && installed=$((installed + 1))
      else
        missing+=("${pair%%|*}")
      fi
    done
    (( ${#copies[@]} > 2 )) || missing+=("bench-cli/target/man/man1/*.1")
    if (( ${#missing[@]} )); then
      note warn "completion" "the build made no ${missing[*]}; installed $installed file(s)"
    else
      note ok "completion" "$installed files under $DATA_HOME (zsh: add $DATA_HOME/zsh/site-functions to fpath)"
    fi
  fi
fi

# ---------------------------------------------------------------- summary
say ""
say "== Summary"
failed=0
for line in "${SUMMARY[@]}"; do
  IFS=$'\t' read -r state check detail <<< "$line"
  printf '  [%-4s] %s: %s\n' "$state" "$check" "$detail"
  [[ "$state" == fail ]] && failed=1
done
say ""
if (( failed )); then
  say "Setup failed. Log: $LOG"
  exit 1
fi
say "Next steps:"
say "  ./lmsbench run --sim     a benchmark of the built-in simulator (no server or GPU needed)"
say "  ./lmsbench run           a benchmark of LM Studio on http://localhost:1234"
say "  ./lmsbench -w            the web dashboard (with the tray icon where there is a tray)"
say "  ./lmsbench doctor        check the server, the GPUs and the configuration"
say "Log: $LOG (logs/setup_latest.log)"
