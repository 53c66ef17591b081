/* Internal state of a kvsmedia source; never seen by the managed side. */
#ifndef KVSMEDIA_INTERNAL_H
#define KVSMEDIA_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libswscale/swscale.h>

#include "kvsmedia.h"

#define KVSMEDIA_ERROR_TEXT 512

/* The encode path: decode -> scale to the encoder's pixel format -> encode (issue 6 §1). */
typedef struct kvsmedia_encoder {
    AVCodecContext *decoder;
    AVCodecContext *encoder;
    struct SwsContext *scaler;
    AVFrame *decoded;
    AVFrame *scaled;
    AVPacket *input;
    int input_ended;
    int decoder_drained;
    int64_t last_pts;
    int64_t next_synthetic_pts;
} kvsmedia_encoder;

struct kvsmedia_source {
    AVFormatContext *format;
    AVDictionary *options;
    AVDictionary *encode_options;
    AVPacket *packet;       /* the packet lent to the caller */
    int stream_index;
    AVRational time_base;   /* of the packets lent out */
    kvsmedia_encoder *encode;
    char encoder_name[64];
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

/* Produces the next encoded packet into source->packet. */
int32_t kvsmedia_encoder_read(kvsmedia_source *source);

void kvsmedia_encoder_free(kvsmedia_encoder **encoder);

/* Starts the deadline of one blocking call (open or read). */
void kvsmedia_begin_blocking(kvsmedia_source *source, int64_t timeout_us);

#endif
