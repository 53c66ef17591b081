#!/bin/sh
# A stand-in for `rpicam-vid -t 0 --inline -o -` where there is no camera: writes the raw H.264 clip
# $1 to standard output in real time at $2 frames per second, one access unit at a time (flushed per
# packet, as rpicam-vid writes each encoded frame), with SPS/PPS before every IDR (what --inline does).
# $3, when given, is a file the script writes its process id to (the tests check it is killed).
# Usage: stand-in-rpicam-vid.sh CLIP.h264 FPS [PID-FILE]
set -eu
if [ $# -ge 3 ]; then echo $$ > "$3"; fi
exec ffmpeg -hide_banner -nostdin -loglevel error -re -framerate "$2" -i "$1" \
  -c copy -bsf:v dump_extra -flush_packets 1 -f h264 -
