/* Internal state of a kvsmedia source; never seen by the managed side. */
#ifndef KVSMEDIA_INTERNAL_H
#define KVSMEDIA_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libswscale/swscale.h>

struct SwrContext;
struct AVAudioFifo;

#include "kvsmedia.h"

#define KVSMEDIA_ERROR_TEXT 512

/* The encode path: decode -> scale to the encoder's pixel format -> encode (issue 6 §1). */
typedef struct kvsmedia_encoder {
    AVCodecContext *decoder;
    AVCodecContext *encoder;
    struct SwsContext *scaler;
    AVFrame *decoded;
    AVFrame *scaled;
    int64_t last_pts;
    int64_t next_synthetic_pts;
} kvsmedia_encoder;

/* The audio path (issue 12): passthrough of AAC (ADTS headers stripped) and G.711, or
 * decode -> resample -> FIFO of whole encoder frames -> encode to AAC or G.711. */
typedef struct kvsmedia_audio {
    int passthrough;
    int strip_adts;             /* passthrough AAC whose packets may start with an ADTS header */
    int32_t codec;              /* KVSMEDIA_CODEC_* delivered */
    int sample_rate;
    int channels;
    int frame_samples;
    uint8_t asc[8];             /* AudioSpecificConfig built for an ADTS source without extradata */
    int asc_size;
    AVCodecContext *decoder;
    AVCodecContext *encoder;
    struct SwrContext *resampler;
    struct AVAudioFifo *fifo;
    AVFrame *decoded;
    AVFrame *chunk;
    int64_t next_pts;           /* in samples at the encoder's rate; AV_NOPTS_VALUE before the first */
    int flushed;
} kvsmedia_audio;

/* Packets ready to lend, video and audio, handed out in decoding-time order (issue 12: the
 * fragmenter needs one timeline; mp4 interleaves tracks up to a second apart in file order). */
#define KVSMEDIA_QUEUE_SIZE 512
#define KVSMEDIA_TRACK_VIDEO 0
#define KVSMEDIA_TRACK_AUDIO 1

typedef struct kvsmedia_queued {
    AVPacket *packet;
    int track;
    AVRational time_base;
    int64_t dts_ticks;          /* for ordering; INT64_MIN when the packet has no time */
} kvsmedia_queued;

typedef struct kvsmedia_queue {
    kvsmedia_queued items[KVSMEDIA_QUEUE_SIZE];
    int count;
} kvsmedia_queue;

struct kvsmedia_source {
    AVFormatContext *format;
    AVDictionary *options;
    AVDictionary *encode_options;
    AVPacket *packet;       /* the packet lent to the caller */
    int stream_index;       /* the video stream, -1 when none is read */
    AVRational time_base;   /* of the video packets */
    AVRational lent_time_base; /* of the packet lent out */
    int lent_track;
    kvsmedia_encoder *encode;
    AVDictionary *audio_options;
    int audio_index;        /* the audio stream, -1 when none is read */
    kvsmedia_audio *audio;
    AVPacket *input;        /* the demuxed packet being dispatched */
    AVPacket *output;       /* an encoder's packet on its way into the queue */
    kvsmedia_queue queue;
    int input_ended;
    int track_ended[2];
    char encoder_name[64];
    char audio_encoder_name[64];
    int64_t open_timeout_us;
    int64_t read_timeout_us;
    int64_t deadline_us;    /* av_gettime_relative() limit of the current blocking call, 0 = none */
    atomic_int interrupted;
    int timed_out;
    char error[KVSMEDIA_ERROR_TEXT];
};

/* Maps an FFmpeg error to our status and writes "what: FFmpeg's text" into the error text. */
int32_t kvsmedia_fail(kvsmedia_source *source, int averror, const char *what);

/* Writes the error text and returns status unchanged. */
int32_t kvsmedia_fail_status(kvsmedia_source *source, int32_t status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* While on (this thread only), FFmpeg's errors and warnings are logged as debug: an expected fallback. */
void kvsmedia_log_probing(int on);

/* Opens the encode path for the source's video stream. */
int32_t kvsmedia_encoder_open(kvsmedia_source *source, AVStream *stream);

/* Decodes one demuxed video packet (NULL: end of input, flush) and queues what the encoder gives. */
int32_t kvsmedia_encoder_feed(kvsmedia_source *source, AVPacket *input);

void kvsmedia_encoder_free(kvsmedia_encoder **encoder);

/* Opens the audio path for the stream (passthrough or encode, by the audio options). */
int32_t kvsmedia_audio_open(kvsmedia_source *source, AVStream *stream);

/* Queues one demuxed audio packet (NULL: end of input, flush the encoder). */
int32_t kvsmedia_audio_feed(kvsmedia_source *source, AVPacket *input);

void kvsmedia_audio_free(kvsmedia_audio **audio);

/* A source option of the audio path, or fallback. */
const char *kvsmedia_audio_option(const kvsmedia_source *source, const char *key, const char *fallback);

/* Moves packet into the queue (the packet is left blank). */
int32_t kvsmedia_queue_push(kvsmedia_source *source, int track, AVPacket *packet, AVRational time_base);

/* True when the earliest queued packet may be lent: every track still running has one queued. */
int kvsmedia_queue_ready(const kvsmedia_source *source);

/* Moves the earliest queued packet into out; returns its track. */
int kvsmedia_queue_pop(kvsmedia_source *source, AVPacket *out, AVRational *time_base);

int kvsmedia_queue_init(kvsmedia_queue *queue);
void kvsmedia_queue_free(kvsmedia_queue *queue);

/* Starts the deadline of one blocking call (open or read). */
void kvsmedia_begin_blocking(kvsmedia_source *source, int64_t timeout_us);

#endif
