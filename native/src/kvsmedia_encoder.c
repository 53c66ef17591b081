/* The encode path for sources that are not H.264/H.265 (test pattern, MJPEG, raw YUYV):
 * decode -> scale to the encoder's pixel format -> encode H.264 (issue 6 §1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/imgutils.h>
#include <libavutil/opt.h>

#include "kvsmedia_compat.h"
#include "kvsmedia_internal.h"

static const char *option(const kvsmedia_source *source, const char *key, const char *fallback)
{
    AVDictionaryEntry *entry = av_dict_get(source->encode_options, key, NULL, 0);
    return entry != NULL ? entry->value : fallback;
}

static long long numeric_option(const kvsmedia_source *source, const char *key, long long fallback)
{
    const char *text = option(source, key, NULL);
    return text != NULL ? strtoll(text, NULL, 10) : fallback;
}

static enum AVPixelFormat encoder_pixel_format(const AVCodec *codec)
{
    /* Both libx264 and the Pi's v4l2m2m encoder take planar 4:2:0; prefer it whenever listed. */
    const enum AVPixelFormat *formats = kvsmedia_encoder_pixel_formats(codec);
    if (formats == NULL) {
        return AV_PIX_FMT_YUV420P;
    }
    for (const enum AVPixelFormat *format = formats; *format != AV_PIX_FMT_NONE; format++) {
        if (*format == AV_PIX_FMT_YUV420P) {
            return AV_PIX_FMT_YUV420P;
        }
    }
    return formats[0];
}

/* Tries one encoder; returns 0 or an AVERROR, leaving *out NULL on failure. */
static int try_encoder(kvsmedia_source *source, const char *name, AVStream *stream,
                       const AVCodecContext *decoder, AVCodecContext **out)
{
    *out = NULL;
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (codec == NULL) {
        return AVERROR_ENCODER_NOT_FOUND;
    }
    AVCodecContext *encoder = avcodec_alloc_context3(codec);
    if (encoder == NULL) {
        return AVERROR(ENOMEM);
    }

    AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
    if (rate.num <= 0 || rate.den <= 0) {
        rate = (AVRational){ 30, 1 };
    }
    long long gop = numeric_option(source, "gop", 0);
    if (gop <= 0) {
        /* A key frame every gop_ms (the fragment duration; default 2 s, KVS's default), in frames. */
        long long interval_ms = numeric_option(source, "gop_ms", 2000);
        gop = (long long)((double)interval_ms * rate.num / (1000.0 * rate.den) + 0.5);
        if (gop < 1) {
            gop = 1;
        }
    }

    encoder->width = decoder->width;
    encoder->height = decoder->height;
    encoder->pix_fmt = encoder_pixel_format(codec);
    encoder->time_base = stream->time_base;
    encoder->framerate = rate;
    encoder->sample_aspect_ratio = decoder->sample_aspect_ratio;
    encoder->gop_size = (int)gop;
    encoder->keyint_min = (int)gop;
    encoder->max_b_frames = (int)numeric_option(source, "bframes", 0);
    encoder->thread_count = (int)numeric_option(source, "threads", 0);
    long long bitrate = numeric_option(source, "bitrate", 0);
    if (bitrate > 0) {
        encoder->bit_rate = bitrate;
    }

    AVDictionary *options = NULL;
    int is_x264 = strcmp(codec->name, "libx264") == 0;
    if (is_x264) {
        /* Extradata (SPS/PPS) for the track's codec private data, and the same parameter sets
         * repeated before every key frame so each fragment decodes on its own. scenecut=0 keeps
         * key frames exactly on the GOP, that is on fragment boundaries. */
        encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        av_dict_set(&options, "preset", option(source, "preset", "ultrafast"), 0);
        av_dict_set(&options, "tune", option(source, "tune", "zerolatency"), 0);
        if (bitrate <= 0) {
            av_dict_set(&options, "crf", option(source, "crf", "23"), 0);
        }
        av_dict_set(&options, "x264-params", "scenecut=0:repeat-headers=1", 0);
    }

    int ret = avcodec_open2(encoder, codec, &options);
    av_dict_free(&options);
    if (ret < 0) {
        avcodec_free_context(&encoder);
        return ret;
    }
    *out = encoder;
    return 0;
}

int32_t kvsmedia_encoder_open(kvsmedia_source *source, AVStream *stream)
{
    const AVCodec *decoder_codec = avcodec_find_decoder(stream->codecpar->codec_id);
    if (decoder_codec == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED,
            "the source's codec '%s' cannot be decoded by this FFmpeg build",
            avcodec_get_name(stream->codecpar->codec_id));
    }

    kvsmedia_encoder *encode = calloc(1, sizeof *encode);
    if (encode == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_OUT_OF_MEMORY, "out of memory");
    }
    source->encode = encode;
    encode->last_pts = AV_NOPTS_VALUE;
    encode->decoded = av_frame_alloc();
    encode->scaled = av_frame_alloc();
    encode->decoder = avcodec_alloc_context3(decoder_codec);
    if (encode->decoded == NULL || encode->scaled == NULL || encode->decoder == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_OUT_OF_MEMORY, "out of memory");
    }
    int ret = avcodec_parameters_to_context(encode->decoder, stream->codecpar);
    if (ret < 0) {
        return kvsmedia_fail(source, ret, "configuring the decoder");
    }
    encode->decoder->pkt_timebase = stream->time_base;
    ret = avcodec_open2(encode->decoder, decoder_codec, NULL);
    if (ret < 0) {
        return kvsmedia_fail(source, ret, "opening the decoder");
    }
    if (encode->decoder->width <= 0 || encode->decoder->height <= 0) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED,
            "the source does not say its picture size; give size=WxH");
    }

    const char *wanted = option(source, "encoder", "auto");
    if (strcmp(wanted, "auto") == 0) {
        /* Hardware first (Raspberry Pi's V4L2 memory-to-memory encoder), x264 when it is absent
         * or refuses to open (no /dev/video1x node, as on any x86 machine). */
        kvsmedia_log_probing(1);
        ret = try_encoder(source, "h264_v4l2m2m", stream, encode->decoder, &encode->encoder);
        kvsmedia_log_probing(0);
        if (ret < 0) {
            av_log(NULL, AV_LOG_INFO, "kvsmedia: no hardware H.264 encoder here (h264_v4l2m2m: %s): encoding with libx264.\n", av_err2str(ret));
            ret = try_encoder(source, "libx264", stream, encode->decoder, &encode->encoder);
            wanted = "libx264";
        } else {
            wanted = "h264_v4l2m2m";
        }
    } else if (strcmp(wanted, "libx264") == 0 || strcmp(wanted, "h264_v4l2m2m") == 0) {
        ret = try_encoder(source, wanted, stream, encode->decoder, &encode->encoder);
    } else {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT,
            "encoder '%s' is not supported: use auto, libx264 or h264_v4l2m2m", wanted);
    }
    if (ret < 0) {
        char what[128];
        snprintf(what, sizeof what, "opening the H.264 encoder %s", wanted);
        int32_t status = kvsmedia_fail(source, ret, what);
        /* An encoder that cannot open on this machine (no /dev node, refused settings) is
         * "unsupported" here, whatever errno the driver chose. */
        return status == KVSMEDIA_OUT_OF_MEMORY ? status : KVSMEDIA_UNSUPPORTED;
    }
    snprintf(source->encoder_name, sizeof source->encoder_name, "%s", wanted);
    source->time_base = encode->encoder->time_base;

    AVCodecContext *encoder = encode->encoder;
    encode->scaled->format = encoder->pix_fmt;
    encode->scaled->width = encoder->width;
    encode->scaled->height = encoder->height;
    ret = av_frame_get_buffer(encode->scaled, 0);
    if (ret < 0) {
        return kvsmedia_fail(source, ret, "allocating the scaled picture");
    }
    return KVSMEDIA_OK;
}

/* Converts the decoded picture when needed and hands it to the encoder. */
static int send_picture(kvsmedia_source *source)
{
    kvsmedia_encoder *encode = source->encode;
    AVFrame *decoded = encode->decoded;
    AVCodecContext *encoder = encode->encoder;

    int64_t pts = decoded->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) {
        pts = encode->next_synthetic_pts;
    }
    if (encode->last_pts != AV_NOPTS_VALUE && pts <= encode->last_pts) {
        pts = encode->last_pts + 1;   /* the encoder refuses non-increasing times */
    }
    encode->last_pts = pts;
    encode->next_synthetic_pts = pts + av_rescale_q(1, av_inv_q(encoder->framerate), encoder->time_base);

    AVFrame *picture = decoded;
    if (decoded->format != encoder->pix_fmt || decoded->width != encoder->width || decoded->height != encoder->height) {
        encode->scaler = sws_getCachedContext(encode->scaler,
            decoded->width, decoded->height, decoded->format,
            encoder->width, encoder->height, encoder->pix_fmt,
            SWS_BILINEAR, NULL, NULL, NULL);
        if (encode->scaler == NULL) {
            return AVERROR(ENOSYS);
        }
        int ret = av_frame_make_writable(encode->scaled);
        if (ret < 0) {
            return ret;
        }
        sws_scale(encode->scaler, (const uint8_t *const *)decoded->data, decoded->linesize, 0, decoded->height,
                  encode->scaled->data, encode->scaled->linesize);
        picture = encode->scaled;
    }
    picture->pts = pts;
    /* A decoded MJPEG/raw picture says "I"; libx264 would force a key frame on every one. */
    picture->pict_type = AV_PICTURE_TYPE_NONE;
    int ret = avcodec_send_frame(encoder, picture);
    av_frame_unref(decoded);
    return ret;
}

/* Queues every packet the encoder has ready. */
static int32_t drain_encoder(kvsmedia_source *source)
{
    AVCodecContext *encoder = source->encode->encoder;
    for (;;) {
        int ret = avcodec_receive_packet(encoder, source->output);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) {
            return KVSMEDIA_OK;
        }
        if (ret < 0) {
            return kvsmedia_fail(source, ret, "encoding");
        }
        if (source->output->duration <= 0) {
            source->output->duration = av_rescale_q(1, av_inv_q(encoder->framerate), encoder->time_base);
        }
        int32_t status = kvsmedia_queue_push(source, KVSMEDIA_TRACK_VIDEO, source->output, encoder->time_base);
        if (status != KVSMEDIA_OK) {
            return status;
        }
    }
}

/* Hands every decoded picture to the encoder, queuing what comes out. */
static int32_t drain_decoder(kvsmedia_source *source)
{
    kvsmedia_encoder *encode = source->encode;
    for (;;) {
        int ret = avcodec_receive_frame(encode->decoder, encode->decoded);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) {
            return KVSMEDIA_OK;
        }
        if (ret < 0) {
            return kvsmedia_fail(source, ret, "decoding");
        }
        ret = send_picture(source);
        if (ret < 0) {
            return kvsmedia_fail(source, ret, "sending a picture to the encoder");
        }
        int32_t status = drain_encoder(source);
        if (status != KVSMEDIA_OK) {
            return status;
        }
    }
}

int32_t kvsmedia_encoder_feed(kvsmedia_source *source, AVPacket *input)
{
    kvsmedia_encoder *encode = source->encode;
    int ret = avcodec_send_packet(encode->decoder, input);
    if (input != NULL) {
        av_packet_unref(input);
    }
    if (ret == AVERROR_INVALIDDATA) {
        /* One damaged camera frame (a torn MJPEG) must not end the stream. */
        av_log(NULL, AV_LOG_WARNING, "kvsmedia: skipped a picture that does not decode\n");
        return KVSMEDIA_OK;
    }
    if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
        return kvsmedia_fail(source, ret, "decoding");
    }
    int32_t status = drain_decoder(source);
    if (status != KVSMEDIA_OK || input != NULL) {
        return status;
    }
    /* End of input: flush what the encoder still holds. */
    ret = avcodec_send_frame(encode->encoder, NULL);
    if (ret < 0 && ret != AVERROR_EOF) {
        return kvsmedia_fail(source, ret, "flushing the encoder");
    }
    return drain_encoder(source);
}

void kvsmedia_encoder_free(kvsmedia_encoder **encoder)
{
    kvsmedia_encoder *encode = *encoder;
    if (encode == NULL) {
        return;
    }
    avcodec_free_context(&encode->encoder);
    avcodec_free_context(&encode->decoder);
    sws_freeContext(encode->scaler);
    av_frame_free(&encode->decoded);
    av_frame_free(&encode->scaled);
    free(encode);
    *encoder = NULL;
}
