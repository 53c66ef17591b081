/*
 * kvsmedia: the narrow C ABI between KvsProducer.Media and FFmpeg (ARCHITECTURE.md §2).
 *
 * Rules of the ABI (keep them when extending it):
 *  - Opaque handles, 32/64-bit integers, UTF-8 strings and byte pointers only. The two structs
 *    below are ours, plain integers and one pointer, laid out identically on x64 and arm64.
 *    No FFmpeg type or constant crosses it, so FFmpeg upgrades do not move the managed side.
 *  - Every function that can fail returns a kvsmedia_status; the text of the last failure of a
 *    source is kvsmedia_source_error(). Returned strings belong to the library.
 *  - A packet returned by kvsmedia_source_read() stays valid until the next read, release or close.
 *  - Times cross the ABI in 100 ns ticks (KVS/MKV's finest unit); KVSMEDIA_NO_TIME when unknown.
 */
#ifndef KVSMEDIA_H
#define KVSMEDIA_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(KVSMEDIA_BUILDING)
#define KVSMEDIA_API __attribute__((visibility("default")))
#else
#define KVSMEDIA_API
#endif

/* Bumped when a signature or struct below changes; the managed side refuses a mismatch. */
#define KVSMEDIA_ABI_VERSION 2

#define KVSMEDIA_NO_TIME INT64_MIN

typedef enum kvsmedia_status {
    KVSMEDIA_OK = 0,
    KVSMEDIA_END_OF_STREAM = 1,
    KVSMEDIA_ERROR = -1,            /* anything not classified below; see the error text */
    KVSMEDIA_NOT_FOUND = -2,        /* no such file, device or camera path */
    KVSMEDIA_UNSUPPORTED = -3,      /* format, codec or encoder not available or not accepted */
    KVSMEDIA_UNREACHABLE = -4,      /* host down, refused, network unreachable */
    KVSMEDIA_UNAUTHORIZED = -5,     /* camera refused the credentials (401/403) */
    KVSMEDIA_ACCESS_DENIED = -6,    /* local permission (file or device node) */
    KVSMEDIA_CORRUPT = -7,          /* data that does not parse or decode */
    KVSMEDIA_TIMEOUT = -8,          /* no data within the configured timeout */
    KVSMEDIA_INTERRUPTED = -9,      /* kvsmedia_source_interrupt() was called */
    KVSMEDIA_INVALID_ARGUMENT = -10,/* an option name or value was refused */
    KVSMEDIA_OUT_OF_MEMORY = -11,
    KVSMEDIA_BUSY = -12             /* device in use by another process */
} kvsmedia_status;

/* Codec of the packets the source delivers. */
#define KVSMEDIA_CODEC_H264 0
#define KVSMEDIA_CODEC_H265 1
#define KVSMEDIA_CODEC_AAC 2      /* raw access units (no ADTS), extradata = AudioSpecificConfig */
#define KVSMEDIA_CODEC_ALAW 3     /* G.711 A-law samples */
#define KVSMEDIA_CODEC_MULAW 4    /* G.711 mu-law samples */

/* Packet flags. */
#define KVSMEDIA_PACKET_KEY 1
#define KVSMEDIA_PACKET_CORRUPT 2
#define KVSMEDIA_PACKET_AUDIO 4   /* the packet belongs to the audio track (else the video track) */

/* Levels passed to the log callback: the numbers of Microsoft.Extensions.Logging.LogLevel. */
#define KVSMEDIA_LOG_TRACE 0
#define KVSMEDIA_LOG_DEBUG 1
#define KVSMEDIA_LOG_INFORMATION 2
#define KVSMEDIA_LOG_WARNING 3
#define KVSMEDIA_LOG_ERROR 4
#define KVSMEDIA_LOG_CRITICAL 5
#define KVSMEDIA_LOG_NONE 6

typedef struct kvsmedia_source kvsmedia_source;

typedef struct kvsmedia_track_info {
    int32_t codec;            /* KVSMEDIA_CODEC_* */
    int32_t width;
    int32_t height;
    int32_t length_prefixed;  /* 1: packets carry 4-byte NAL lengths (AVCC/HVCC); 0: Annex-B start codes */
    int32_t rate_num;         /* nominal frame rate, 0/0 when unknown */
    int32_t rate_den;
    int32_t encoded;          /* 1: packets come from our encoder; 0: passthrough of the source's packets */
    int32_t reserved;
} kvsmedia_track_info;

typedef struct kvsmedia_audio_info {
    int32_t codec;            /* KVSMEDIA_CODEC_AAC, _ALAW or _MULAW */
    int32_t sample_rate;      /* Hz */
    int32_t channels;
    int32_t frame_samples;    /* samples per packet when fixed (1024 for AAC), 0 when packets vary */
    int32_t encoded;          /* 1: packets come from our encoder; 0: passthrough */
    int32_t reserved[3];
} kvsmedia_audio_info;

typedef struct kvsmedia_packet {
    const uint8_t *data;
    int32_t size;
    int32_t flags;            /* KVSMEDIA_PACKET_* */
    int64_t pts;              /* 100 ns ticks or KVSMEDIA_NO_TIME */
    int64_t dts;
    int64_t duration;         /* 0 when unknown */
} kvsmedia_packet;

typedef void (*kvsmedia_log_callback)(int32_t level, const char *message);

KVSMEDIA_API int32_t kvsmedia_abi_version(void);

/* Routes FFmpeg's log to callback (NULL: silence) for messages at min_level and above.
 * Also sets av_log_set_level so FFmpeg does not format what nobody reads. */
KVSMEDIA_API void kvsmedia_set_log(kvsmedia_log_callback callback, int32_t min_level);

/* A source in the "configured" state: set options, then open. */
KVSMEDIA_API kvsmedia_source *kvsmedia_source_create(void);

/* A demuxer/device option (e.g. rtsp_transport=tcp, video_size=1280x720, framerate=30). */
KVSMEDIA_API int32_t kvsmedia_source_set_option(kvsmedia_source *source, const char *key, const char *value);

/* An encode-path option, used only when the source is not H.264/H.265:
 *   encoder  auto | libx264 | h264_v4l2m2m   (auto tries the hardware encoder first)
 *   preset   x264 preset (default ultrafast)
 *   tune     x264 tune (default zerolatency)
 *   bitrate  bits per second (0: constant quality by crf)
 *   crf      x264 constant rate factor (default 23)
 *   gop      frames between key frames; key frames fall exactly on multiples of it
 *   gop_ms   the same in milliseconds (the fragment duration), used when gop is not given
 *   bframes  B-frames (default 0)
 *   threads  encoder threads (default 0 = FFmpeg's choice) */
KVSMEDIA_API int32_t kvsmedia_source_set_encode_option(kvsmedia_source *source, const char *key, const char *value);

/* An audio option (issue 12), set before open:
 *   codec        off (default) | auto | aac | alaw | mulaw
 *                off: video only, unless the source has no video (then as auto).
 *                auto: AAC and G.711 pass through, anything else is encoded to AAC.
 *                aac | alaw | mulaw: that codec passes through, anything else is encoded to it.
 *   video        on (default) | off: off reads only the audio of a source that has both.
 *   sample_rate  Hz of encoded audio (0 = the source's; G.711 defaults to 8000)
 *   channels     of encoded audio, 1 or 2 (0 = the source's, at most 2; G.711 defaults to 1)
 *   bitrate      AAC bits per second (0 = 64000 per channel) */
KVSMEDIA_API int32_t kvsmedia_source_set_audio_option(kvsmedia_source *source, const char *key, const char *value);

/* Timeouts in microseconds for opening and for each read (0: none). */
KVSMEDIA_API void kvsmedia_source_set_timeouts(kvsmedia_source *source, int64_t open_timeout_us, int64_t read_timeout_us);

/* Opens url with the named input format (NULL: probe). */
KVSMEDIA_API int32_t kvsmedia_source_open(kvsmedia_source *source, const char *url, const char *input_format);

KVSMEDIA_API int32_t kvsmedia_source_track_info(kvsmedia_source *source, kvsmedia_track_info *info);

/* Codec private data as the source has it: AVCC/HVCC record (mp4, mkv), Annex-B parameter sets
 * (ts, rtsp, encoder) or nothing (raw streams). Valid until close. */
KVSMEDIA_API int32_t kvsmedia_source_extradata(kvsmedia_source *source, const uint8_t **data, int32_t *size);

/* Which tracks the open source delivers (1/0 each). */
KVSMEDIA_API int32_t kvsmedia_source_tracks(kvsmedia_source *source, int32_t *has_video, int32_t *has_audio);

/* The audio track (KVSMEDIA_UNSUPPORTED when the source delivers none). */
KVSMEDIA_API int32_t kvsmedia_source_audio_info(kvsmedia_source *source, kvsmedia_audio_info *info);

/* The audio track's codec private data: the AAC AudioSpecificConfig (built from the stream
 * parameters when an ADTS source has none), nothing for G.711. Valid until close. */
KVSMEDIA_API int32_t kvsmedia_source_audio_extradata(kvsmedia_source *source, const uint8_t **data, int32_t *size);

/* Name of the audio encoder in use ("" for passthrough). Valid until close. */
KVSMEDIA_API const char *kvsmedia_source_audio_encoder_name(kvsmedia_source *source);

/* Name of the encoder in use ("" for passthrough). Valid until close. */
KVSMEDIA_API const char *kvsmedia_source_encoder_name(kvsmedia_source *source);

/* Next packet of the source, video and audio interleaved by decoding time (audio packets carry
 * KVSMEDIA_PACKET_AUDIO); releases the previous one. */
KVSMEDIA_API int32_t kvsmedia_source_read(kvsmedia_source *source, kvsmedia_packet *packet);

/* Releases the current packet early (optional). */
KVSMEDIA_API void kvsmedia_source_release(kvsmedia_source *source);

/* Makes a blocked open/read return KVSMEDIA_INTERRUPTED. Safe from any thread. */
KVSMEDIA_API void kvsmedia_source_interrupt(kvsmedia_source *source);

/* Clears a previous interrupt so the source can be read again. */
KVSMEDIA_API void kvsmedia_source_resume(kvsmedia_source *source);

/* Text of the last failure of this source (empty if none). Valid until the next call on it. */
KVSMEDIA_API const char *kvsmedia_source_error(kvsmedia_source *source);

KVSMEDIA_API void kvsmedia_source_close(kvsmedia_source *source);

#ifdef __cplusplus
}
#endif

#endif
