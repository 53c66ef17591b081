#!/usr/bin/env bash
# Bootstraps a Debian 12 machine for KvsProducer and runs a Cake target:
#   ./build.sh --target=Test      build native + managed code and run every test
#   ./build.sh --target=Demo      package a recorded clip and show what ffprobe sees
# Idempotent and quiet when everything is already installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# Debian packages the build and the tests use (see ../shared/design/toolchain.md).
apt_packages=(
  ca-certificates cmake pkg-config build-essential
  ffmpeg libavcodec-dev libavformat-dev libavdevice-dev libavfilter-dev libswscale-dev libavutil-dev libswresample-dev
  mkvtoolnix
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gir1.2-gst-rtsp-server-1.0 python3-gi
  qemu-user-static crossbuild-essential-arm64
  awscli python3-boto3 curl nodejs
  # The local endpoint's web console is tested in headless Chromium.
  chromium
  patchelf
  tmux  # CliTerminalTests: kvs stream in a real 80x24 terminal
  clang  # NativeAOT kvs for linux-arm64 (Publish-Aot): the cross link
  nftables iproute2 util-linux  # KvsProducer.FaultTests: loss/blackouts (nft), tc tbf, unshare -n -m
)

# linux-arm64 cross-build of native/ and the qemu runs of arm64 builds (toolchain.md "linux-arm64").
arm64_packages=(libavcodec-dev:arm64 libavformat-dev:arm64 libavdevice-dev:arm64 libswscale-dev:arm64 libavutil-dev:arm64 libswresample-dev:arm64)

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  "${sudo_cmd[@]}" dpkg --add-architecture arm64
fi

missing=()
for package in "${apt_packages[@]}" "${arm64_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if ((${#missing[@]} > 0)); then
  echo "build.sh: installing ${#missing[@]} missing Debian package(s): ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi

# The JS client tests need npm; Debian ships it apart from nodejs (NodeSource's nodejs includes it).
if ! command -v npm >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=600 npm >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "build.sh: the .NET 10 SDK is not installed. Install it (https://learn.microsoft.com/dotnet/core/install/linux-debian), then run ./build.sh again." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
dotnet tool restore >/dev/null
exec dotnet cake build.cake "$@"
