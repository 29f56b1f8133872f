#!/usr/bin/env bash
# Re-makes the README's pictures from a real run of kafka-tui in tmux (assets/shoot.py):
#   main-screen.png, record-detail.png   the embedded broker, with a record of ours opened
#   group-detail.png                     a consumer group on Apache Kafka (the `kafka` peer of
#                                        .ci/peers.sh, started here and stopped at the end)
#   first-run.cast                       the first-run walkthrough, recorded by asciinema
#
#   assets/make.sh            all of them (builds the release binary, installs the Python deps)
#   assets/make.sh embedded group cast   only those
#   ... --out DIR             write there instead of assets/
#   assets/make.sh --check [--out DIR]
#                             the embedded shots into a temp dir (or DIR, kept), read back and
#                             checked: no peer, no network, no install, no build (the test
#                             suite's tests/assets.rs runs it with KAFKA_TUI_BIN set)
set -euo pipefail
cd "$(dirname "$0")/.."

check=0
out=""
what=()
while (($#)); do
  a=$1
  shift
  case $a in
    --check) check=1 ;;
    --out) out=${1:?--out needs a directory}; shift ;;
    embedded | group | cast) what+=("$a") ;;
    -h | --help) sed -n '2,/^set /p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make.sh: unknown argument '$a' (see --help)" >&2; exit 2 ;;
  esac
done
((${#what[@]})) || what=(embedded cast group)

py=.venv/bin/python
deps_ok() { [ -x "$py" ] && "$py" -c 'import pyte, PIL, fontTools, confluent_kafka' 2>/dev/null \
  && [ -x .venv/bin/asciinema ]; }
font=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf

if ((check)); then
  command -v tmux >/dev/null || { echo "make.sh --check: tmux is missing (.ci/setup)" >&2; exit 1; }
  [ -f "$font" ] || { echo "make.sh --check: $font is missing (.ci/setup: fonts-dejavu-core)" >&2; exit 1; }
  deps_ok || { echo "make.sh --check: the Python deps are missing from .venv (.ci/setup)" >&2; exit 1; }
  if [ -z "$out" ]; then
    out=$(mktemp -d "${TMPDIR:-/tmp}/kt-assets-check.XXXXXX")
    trap 'rm -rf "$out"' EXIT
  fi
  "$py" assets/shoot.py embedded --out "$out"
  exit 0
fi

# --- what the pictures need: tmux and DejaVu (apt), the Python packages (into .venv)
need_apt=()
command -v tmux >/dev/null || need_apt+=(tmux)
[ -f "$font" ] || need_apt+=(fonts-dejavu-core)
if ((${#need_apt[@]})); then
  echo "make.sh: apt-get install ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
[ -x "$py" ] || python3 -m venv .venv
if ! deps_ok; then
  echo "make.sh: pip install -r assets/requirements.txt"
  .venv/bin/pip install -q --disable-pip-version-check -r assets/requirements.txt
fi

if [ -z "${KAFKA_TUI_BIN:-}" ]; then
  cargo build --release
fi

to=()
[ -z "$out" ] || to=(--out "$out")
for w in "${what[@]}"; do
  case $w in
    embedded | cast) "$py" assets/shoot.py "$w" "${to[@]}" ;;
    group)
      if [ -n "${KAFKA_TUI_KAFKA:-}" ]; then
        "$py" assets/shoot.py group "${to[@]}" # a cluster the caller started
      else
        # shellcheck source=../.ci/peers.sh
        source .ci/peers.sh
        trap peers_stop EXIT
        peers_start kafka
        "$py" assets/shoot.py group "${to[@]}"
        peers_stop
        trap - EXIT
      fi
      ;;
  esac
done
