#!/usr/bin/env bash
# Unpacks Debian 13 (trixie)'s FFmpeg 7.1 -dev and runtime packages for one or more architectures
# into native/build/ffmpeg7-sysroot/<arch>, WITHOUT installing them: the system's apt state and
# its FFmpeg 5.1 stay as they are. CMake builds libkvsmedia-ffmpeg7.so against such a tree
# (-DKVSMEDIA_FFMPEG_SYSROOT=...), and the tests load that build against the unpacked runtime
# libraries (the tree holds the whole dependency closure, down to trixie's libc).
#
#   native/ffmpeg7-sysroot.sh amd64 arm64
#
# Idempotent and cached: an architecture whose tree is complete for the same package list is skipped;
# downloaded .deb files are kept under native/build/ffmpeg7-sysroot/debs/<arch>.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/build/ffmpeg7-sysroot"
architectures=("$@")
if ((${#architectures[@]} == 0)); then architectures=(amd64); fi

# What libkvsmedia compiles and links against; apt adds every runtime library these need.
packages=(libavdevice-dev libavformat-dev libavcodec-dev libswscale-dev libswresample-dev libavutil-dev)
stamp_text="trixie ${packages[*]}"

# apt configured only through these options: a private source list, lists, cache and an empty
# dpkg status, so `apt-get install --download-only` resolves the whole closure (alternatives picked
# as apt would) and nothing of the system's /var/lib/apt or /var/lib/dpkg is read or written.
apt_dir="$root/apt"
apt_options=(
  -o "Dir::Etc::SourceList=$apt_dir/sources.list"
  -o "Dir::Etc::SourceParts=$apt_dir/sources.list.d"
  -o "Dir::Etc::Preferences=$apt_dir/preferences"
  -o "Dir::Etc::PreferencesParts=$apt_dir/preferences.d"
  -o "Dir::State=$apt_dir/state"
  -o "Dir::State::Lists=$apt_dir/lists"
  -o "Dir::State::Status=$apt_dir/status"
  -o "Dir::Cache=$apt_dir/cache"
  -o "APT::Architectures::=amd64" -o "APT::Architectures::=arm64"
  -o "Acquire::Languages=none"
  -o "Debug::NoLocking=true"
)

prepare_apt() {
  mkdir -p "$apt_dir"/{sources.list.d,preferences.d,state,lists/partial,cache/archives/partial}
  : >"$apt_dir/preferences"
  [[ -f "$apt_dir/status" ]] || : >"$apt_dir/status"
  # Trixie's Release file is signed with bookworm's archive keys too, which the system keyring holds.
  echo "deb [arch=amd64,arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian trixie main" \
    >"$apt_dir/sources.list"
  # Lists younger than a day are reused (a rebuild needs no network).
  if [[ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*_Packages*' -mtime -1 -print -quit)" ]]; then
    apt-get "${apt_options[@]}" -o APT::Architecture=amd64 update -qq
  fi
}

unpack() {
  local arch=$1
  local tree="$root/$arch"
  if [[ -f "$tree/.complete" && "$(cat "$tree/.complete")" == "$stamp_text" ]]; then
    echo "ffmpeg7-sysroot: $tree is up to date"
    return
  fi

  prepare_apt
  local debs="$root/debs/$arch"
  mkdir -p "$debs/partial"
  echo "ffmpeg7-sysroot: downloading Debian 13 FFmpeg 7.1 for $arch (${packages[*]} and their dependencies)"
  apt-get "${apt_options[@]}" -o "APT::Architecture=$arch" -o "Dir::Cache::Archives=$debs" \
    install --download-only --no-install-recommends -y -qq "${packages[@]/%/:$arch}" >/dev/null

  rm -rf "$tree"
  mkdir -p "$tree"
  for deb in "$debs"/*.deb; do
    dpkg-deb -x "$deb" "$tree"
  done
  echo "$stamp_text" >"$tree/.complete"
  echo "ffmpeg7-sysroot: $tree ($(find "$debs" -name '*.deb' | wc -l) packages)"
}

for arch in "${architectures[@]}"; do
  case "$arch" in
    amd64 | arm64) unpack "$arch" ;;
    *) echo "ffmpeg7-sysroot: unknown architecture '$arch' (amd64 or arm64)" >&2; exit 2 ;;
  esac
done
