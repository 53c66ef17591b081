#!/usr/bin/python3
"""A live H.264 RTSP camera for the KvsProducer.Media tests (toolchain.md "RTSP for tests").

Run with /usr/bin/python3 (the pyenv python3 on PATH has no gi). Serves
rtsp://127.0.0.1:PORT/cam, bound to loopback only, until killed. Prints "READY" once listening.

usage: rtsp_camera.py PORT [--size WxH] [--rate N] [--gop N] [--user U --password P] [--audio aac|pcma]
With --user, the camera asks for HTTP Basic credentials, as IP cameras do. With --audio the camera
also sends a live tone: AAC (voaacenc, RTP mpeg4-generic) or G.711 A-law (8 kHz), as IP cameras do.
"""
import argparse
import signal
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402


def audio_branch(codec):
    if codec == "aac":
        return ("audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 "
                "! voaacenc ! rtpmp4gpay name=pay1 pt=97 ")
    if codec == "pcma":
        return ("audiotestsrc is-live=true wave=sine ! audioconvert ! audioresample ! audio/x-raw,rate=8000,channels=1 "
                "! alawenc ! rtppcmapay name=pay1 pt=8 ")
    return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--size", default="320x240")
    parser.add_argument("--rate", type=int, default=25)
    parser.add_argument("--gop", type=int, default=25)
    parser.add_argument("--user")
    parser.add_argument("--password")
    parser.add_argument("--audio", choices=["aac", "pcma"])
    args = parser.parse_args()
    width, height = args.size.split("x")

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = GstRtspServer.RTSPMediaFactory()
    # Without key-int-max x264enc gives one key frame per 250 (toolchain.md); config-interval=1
    # repeats SPS/PPS in-band, as IP cameras do.
    factory.set_launch(
        f"( videotestsrc is-live=true pattern=ball ! video/x-raw,width={width},height={height},framerate={args.rate}/1 "
        f"! x264enc tune=zerolatency speed-preset=ultrafast key-int-max={args.gop} bframes=0 "
        "! rtph264pay name=pay0 pt=96 config-interval=1 " + audio_branch(args.audio) + ")")
    factory.set_shared(True)
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", args.user)
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ""), token)
        server.set_auth(auth)
        permissions = GstRtspServer.RTSPPermissions()
        permissions.add_permission_for_role(args.user, "media.factory.access", True)
        permissions.add_permission_for_role(args.user, "media.factory.construct", True)
        factory.set_permissions(permissions)
    server.get_mount_points().add_factory("/cam", factory)
    if server.attach(None) == 0:
        print(f"cannot listen on 127.0.0.1:{args.port}", file=sys.stderr, flush=True)
        sys.exit(1)

    loop = GLib.MainLoop()
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
    print("READY", flush=True)
    loop.run()


if __name__ == "__main__":
    main()
