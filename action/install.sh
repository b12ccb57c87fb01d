#!/usr/bin/env bash
# The action's install steps (action.yml runs them): policy-lint of this action's version, from
# the first of
#
#   1. a `policy-lint` on PATH whose `--version` is this version;
#   2. the binary cached by an earlier run (BIN_CACHE, which action.yml restores);
#   3. the release's archive for this platform, checked against the release's SHA-256 — a
#      checksum that is missing or wrong is an error, never a reason to build instead;
#   4. a build from the action's own source (an unreleased ref, or a release without this
#      platform), into TARGET_DIR, which action.yml caches.
#
#   install.sh plan       write version, target, bin-cache and target-dir to GITHUB_OUTPUT
#   install.sh download   steps 1-3; writes found=true or found=false to GITHUB_OUTPUT
#   install.sh build      step 4
#   install.sh            all of them, in that order
#
# GITHUB_ACTION_PATH, RUNNER_TEMP, RUNNER_TOOL_CACHE, RUNNER_OS, RUNNER_ARCH, GITHUB_PATH and
# GITHUB_OUTPUT are GitHub's. ACTION_REPOSITORY (owner/name, from github.action_repository)
# says where the releases are; POLICY_LINT_RELEASE_URL, when set, is the directory of the
# release's assets instead (a mirror, or a test's server).
set -euo pipefail

action=${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action/Cargo.toml" | head -n 1)
temp=${RUNNER_TEMP:?RUNNER_TEMP is not set}

# The release's name for this platform (cargo-dist's target triples; Linux builds are static).
target() {
    local os=${RUNNER_OS:-$(uname -s)} arch=${RUNNER_ARCH:-$(uname -m)}
    case "$arch" in
        X64 | x86_64 | amd64) arch=x86_64 ;;
        ARM64 | arm64 | aarch64) arch=aarch64 ;;
        *) echo "unsupported-$arch"; return ;;
    esac
    case "$os" in
        Linux) echo "$arch-unknown-linux-musl" ;;
        macOS | Darwin) echo "$arch-apple-darwin" ;;
        Windows | MINGW* | MSYS* | CYGWIN*) echo "$arch-pc-windows-msvc" ;;
        *) echo "$arch-unsupported-$os" ;;
    esac
}
target=$(target)
bin_cache=${BIN_CACHE:-${RUNNER_TOOL_CACHE:-$temp}/policy-lint/$version/$target}
target_dir=${TARGET_DIR:-$temp/policy-lint-target}
exe=policy-lint
case "$target" in *windows*) exe=policy-lint.exe ;; esac

output() { [ -z "${GITHUB_OUTPUT:-}" ] || echo "$1" >> "$GITHUB_OUTPUT"; }
use() { # DIR: put DIR/policy-lint on PATH for the next steps
    echo "$1" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
    output found=true
}
is_wanted() { [ "$("$1" --version 2>/dev/null || true)" = "policy-lint $version" ]; }

sha256() {
    if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi | cut -d' ' -f1
}

# Prints the HTTP status of fetching URL into FILE (000 when nothing answered).
fetch() {
    curl --silent --show-error --location --retry 3 --connect-timeout 10 \
        --output "$2" --write-out '%{http_code}' "$1" || true
}

download() {
    if command -v policy-lint >/dev/null; then
        if is_wanted policy-lint; then
            echo "Using $(command -v policy-lint) (policy-lint $version)"
            output found=true
            return 0
        fi
        echo "Not using $(command -v policy-lint) ($(policy-lint --version 2>/dev/null || echo no version)): this action is policy-lint $version"
    fi
    if [ -x "$bin_cache/$exe" ] && is_wanted "$bin_cache/$exe"; then
        echo "Using the cached $bin_cache/$exe"
        use "$bin_cache"
        return 0
    fi
    local base=${POLICY_LINT_RELEASE_URL:-}
    if [ -z "$base" ] && [ -n "${ACTION_REPOSITORY:-}" ]; then
        base=https://github.com/$ACTION_REPOSITORY/releases/download/v$version
    fi
    if [ -z "$base" ]; then
        echo "No release to download from (a local action): building policy-lint $version"
        output found=false
        return 0
    fi
    local archive=policy-lint-$target.tar.gz
    case "$target" in *windows*) archive=policy-lint-$target.zip ;; esac
    local work
    work=$(mktemp -d "$temp/policy-lint-download.XXXXXX")
    local status
    status=$(fetch "$base/$archive" "$work/$archive")
    if [ "$status" = 404 ]; then
        echo "No $archive in the release ($base): building policy-lint $version from source"
        output found=false
        return 0
    fi
    if [ "$status" != 200 ]; then
        echo "::error title=policy-lint action::downloading $base/$archive failed (HTTP $status)"
        return 1
    fi
    status=$(fetch "$base/$archive.sha256" "$work/$archive.sha256")
    if [ "$status" != 200 ]; then
        echo "::error title=policy-lint action::the release has $archive but no $archive.sha256 (HTTP $status): refusing an unchecked binary"
        return 1
    fi
    local expected actual
    expected=$(cut -d' ' -f1 < "$work/$archive.sha256" | tr -d '\r\n' | tr 'A-F' 'a-f')
    actual=$(sha256 "$work/$archive")
    if [ "$expected" != "$actual" ]; then
        echo "::error title=policy-lint action::$archive does not match its SHA-256 (expected $expected, got $actual): refusing it"
        return 1
    fi
    mkdir -p "$work/unpacked"
    case "$archive" in
        *.zip) unzip -q "$work/$archive" -d "$work/unpacked" ;;
        *) tar -xzf "$work/$archive" -C "$work/unpacked" ;;
    esac
    local found
    found=$(find "$work/unpacked" -type f -name "$exe" | head -n 1)
    if [ -z "$found" ] || ! is_wanted "$found"; then
        echo "::error title=policy-lint action::$archive holds no $exe that is policy-lint $version"
        return 1
    fi
    mkdir -p "$bin_cache"
    mv "$found" "$bin_cache/$exe"
    rm -rf "$work"
    echo "Installed policy-lint $version ($target, SHA-256 $actual) into $bin_cache"
    use "$bin_cache"
}

build() {
    local root=$temp/policy-lint-$version
    CARGO_TARGET_DIR=$target_dir cargo install --locked --path "$action" --root "$root"
    use "$root/bin"
}

case "${1:-all}" in
    plan)
        output "version=$version"
        output "target=$target"
        output "bin-cache=$bin_cache"
        output "target-dir=$target_dir"
        ;;
    download) download ;;
    build) build ;;
    all)
        found=$temp/policy-lint-found
        : > "$found"
        GITHUB_OUTPUT=$found download
        grep -qx found=true "$found" || build
        rm -f "$found"
        ;;
    *)
        echo "usage: install.sh [plan|download|build]" >&2
        exit 2
        ;;
esac
