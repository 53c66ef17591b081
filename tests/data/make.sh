#!/bin/sh
# Re-creates the recorded clips in this folder (README.md describes each one).
# Needs ffmpeg with libx264 and libx265 (Debian 12: apt-get install ffmpeg). The bytes differ
# between encoder versions; the tests compare with what ffprobe reports, not with fixed numbers.
set -eu
cd "$(dirname "$0")"

SRC_480="testsrc2=size=640x480:rate=25,noise=alls=12:allf=t+u"
SRC_720="testsrc2=size=1280x720:rate=25,noise=alls=12:allf=t+u"
FF="ffmpeg -hide_banner -v error -y"

# frames DIR INPUT EXT [BSF]: one Annex-B access unit per file, in decoding order.
frames() {
  rm -rf "$1" && mkdir "$1"
  $FF -i "$2" -map 0:v:0 -c:v copy ${4:+-bsf:v $4} -fps_mode passthrough -f image2 "$1/frame-%04d.$3"
}

# FFmpeg 5.1's HEVC parser leaves the zero_byte of a 4-byte start code at the end of the packet
# before it; H.265 B.2 puts it in the byte_stream_nal_unit that follows (as the H.264 parser does).
# Moves such a byte to the file it belongs to; nothing else changes.
move_zero_bytes() {
  previous=""
  for file in "$1"/*; do
    if [ -n "$previous" ] && [ "$(tail -c 1 "$previous" | od -An -tx1 | tr -d ' ')" = "00" ] \
      && [ "$(head -c 3 "$file" | od -An -tx1 | tr -d ' ')" = "000001" ]; then
      truncate -s -1 "$previous"
      { printf '\000'; cat "$file"; } > "$file.tmp" && mv "$file.tmp" "$file"
    fi
    previous="$file"
  done
}

# Without B-frames: encoded straight to a raw elementary stream (parameter sets in-band at every
# IDR, as a camera sends them); the frame directory is split by ffmpeg's own parser.
$FF -f lavfi -i "$SRC_480" -t 3 -c:v libx264 -preset veryfast -crf 32 -g 25 -sc_threshold 0 -bf 0 -pix_fmt yuv420p h264-640x480.h264
frames h264-640x480 h264-640x480.h264 h264
$FF -f lavfi -i "$SRC_720" -t 3 -c:v libx264 -preset veryfast -crf 36 -g 25 -sc_threshold 0 -bf 0 -pix_fmt yuv420p h264-1280x720.h264
frames h264-1280x720 h264-1280x720.h264 h264
$FF -f lavfi -i "$SRC_480" -t 3 -c:v libx265 -preset veryfast -crf 32 -x265-params keyint=25:min-keyint=25:scenecut=0:bframes=0:log-level=error -pix_fmt yuv420p h265-640x480.h265
frames h265-640x480 h265-640x480.h265 h265
move_zero_bytes h265-640x480

# With B-frames: encoded into Matroska first so the encoder's true PTS/DTS are kept as the oracle;
# the raw stream and the frame directory are remuxes of those same packets. The 1280x720 and the
# H.265 clips carry access unit delimiters (aud=1).
$FF -f lavfi -i "$SRC_480" -t 3 -c:v libx264 -preset veryfast -crf 32 -g 25 -sc_threshold 0 -bf 2 -pix_fmt yuv420p h264-640x480-bframes.mkv
$FF -i h264-640x480-bframes.mkv -c:v copy -f h264 h264-640x480-bframes.h264
frames h264-640x480-bframes h264-640x480-bframes.mkv h264 h264_mp4toannexb
$FF -f lavfi -i "$SRC_720" -t 3 -c:v libx264 -preset veryfast -crf 36 -g 25 -sc_threshold 0 -bf 3 -x264-params aud=1 -pix_fmt yuv420p h264-1280x720-bframes.mkv
$FF -i h264-1280x720-bframes.mkv -c:v copy -f h264 h264-1280x720-bframes.h264
frames h264-1280x720-bframes h264-1280x720-bframes.mkv h264 h264_mp4toannexb
$FF -f lavfi -i "$SRC_480" -t 3 -c:v libx265 -preset veryfast -crf 32 -x265-params keyint=25:min-keyint=25:scenecut=0:bframes=3:aud=1:log-level=error -pix_fmt yuv420p h265-640x480-bframes.mkv
$FF -i h265-640x480-bframes.mkv -c:v copy -f hevc h265-640x480-bframes.h265
frames h265-640x480-bframes h265-640x480-bframes.mkv h265 hevc_mp4toannexb

# Four slices per picture: access units made of several slice NAL units, split by ffmpeg's parser.
$FF -f lavfi -i "$SRC_480" -t 2 -c:v libx264 -preset veryfast -crf 32 -g 25 -sc_threshold 0 -bf 0 -slices 4 -pix_fmt yuv420p h264-640x480-slices.h264
frames h264-640x480-slices h264-640x480-slices.h264 h264

# Audio (issue 12): a 440 Hz sine, 3 s. AAC-LC 48 kHz stereo as ADTS (tests strip the 7-byte ADTS
# headers to get raw access units of 1024 samples = 21.333 ms, as the official SDKs' aacSampleFrames);
# G.711 A-law 8 kHz mono as raw samples (tests cut 160-byte frames = 20 ms).
$FF -bitexact -f lavfi -i "sine=frequency=440:sample_rate=48000" -ac 2 -t 3 -c:a aac -b:a 96k -f adts aac-48k-stereo.adts
$FF -bitexact -f lavfi -i "sine=frequency=440:sample_rate=8000" -t 3 -c:a pcm_alaw -f alaw g711a-8k-mono.alaw

# Media sources with audio (issue 12): an mp4 with H.264 + AAC (what a phone or camera records),
# an Opus file (encoded to AAC by the source) and raw G.711 µ-law (passed through), 3 s each.
$FF -bitexact -f lavfi -i "$SRC_480" -f lavfi -i "sine=frequency=440:sample_rate=48000" -t 3 \
  -c:v libx264 -preset veryfast -crf 32 -g 25 -sc_threshold 0 -bf 0 -pix_fmt yuv420p \
  -c:a aac -b:a 96k -ac 2 -movflags +faststart h264-aac-640x480.mp4
$FF -bitexact -f lavfi -i "sine=frequency=440:sample_rate=48000" -ac 2 -t 3 -c:a libopus -b:a 64k opus-48k-stereo.opus
$FF -bitexact -f lavfi -i "sine=frequency=440:sample_rate=8000" -t 3 -c:a pcm_mulaw -f mulaw g711u-8k-mono.mulaw
