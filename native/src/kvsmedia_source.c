/* A demuxed video source: open, track info, zero-copy packet reads (issue 6 §1). */
#include <stdlib.h>
#include <string.h>

#include <libavdevice/avdevice.h>
#include <libavutil/time.h>

#include "kvsmedia_internal.h"

static int interrupt_requested(void *opaque)
{
    kvsmedia_source *source = opaque;
    if (atomic_load(&source->interrupted)) {
        return 1;
    }
    if (source->deadline_us != 0 && av_gettime_relative() > source->deadline_us) {
        source->timed_out = 1;
        return 1;
    }
    return 0;
}

void kvsmedia_begin_blocking(kvsmedia_source *source, int64_t timeout_us)
{
    source->timed_out = 0;
    source->deadline_us = timeout_us > 0 ? av_gettime_relative() + timeout_us : 0;
}

static int64_t to_ticks(int64_t value, AVRational time_base)
{
    if (value == AV_NOPTS_VALUE) {
        return KVSMEDIA_NO_TIME;
    }
    return av_rescale_q(value, time_base, (AVRational){ 1, 10000000 });
}

KVSMEDIA_API kvsmedia_source *kvsmedia_source_create(void)
{
    static int devices_registered;
    if (!devices_registered) {
        /* Idempotent in FFmpeg; makes v4l2 and lavfi findable by name. */
        avdevice_register_all();
        devices_registered = 1;
    }
    kvsmedia_source *source = calloc(1, sizeof *source);
    if (source == NULL) {
        return NULL;
    }
    source->stream_index = -1;
    source->packet = av_packet_alloc();
    if (source->packet == NULL) {
        free(source);
        return NULL;
    }
    return source;
}

KVSMEDIA_API int32_t kvsmedia_source_set_option(kvsmedia_source *source, const char *key, const char *value)
{
    if (key == NULL || value == NULL || key[0] == '\0') {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT, "option name and value must be given");
    }
    int ret = av_dict_set(&source->options, key, value, 0);
    return ret < 0 ? kvsmedia_fail(source, ret, "setting a source option") : KVSMEDIA_OK;
}

KVSMEDIA_API int32_t kvsmedia_source_set_encode_option(kvsmedia_source *source, const char *key, const char *value)
{
    if (key == NULL || value == NULL || key[0] == '\0') {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT, "encode option name and value must be given");
    }
    int ret = av_dict_set(&source->encode_options, key, value, 0);
    return ret < 0 ? kvsmedia_fail(source, ret, "setting an encode option") : KVSMEDIA_OK;
}

KVSMEDIA_API void kvsmedia_source_set_timeouts(kvsmedia_source *source, int64_t open_timeout_us, int64_t read_timeout_us)
{
    source->open_timeout_us = open_timeout_us;
    source->read_timeout_us = read_timeout_us;
}

static int is_passthrough_codec(enum AVCodecID id)
{
    return id == AV_CODEC_ID_H264 || id == AV_CODEC_ID_HEVC;
}

KVSMEDIA_API int32_t kvsmedia_source_open(kvsmedia_source *source, const char *url, const char *input_format)
{
    if (source->format != NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT, "the source is already open");
    }
    if (url == NULL || url[0] == '\0') {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT, "no URL or path was given");
    }

    const AVInputFormat *format = NULL;
    if (input_format != NULL && input_format[0] != '\0') {
        format = av_find_input_format(input_format);
        if (format == NULL) {
            return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED,
                "input format '%s' is not in this FFmpeg build", input_format);
        }
    }

    AVFormatContext *context = avformat_alloc_context();
    if (context == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_OUT_OF_MEMORY, "out of memory");
    }
    context->interrupt_callback.callback = interrupt_requested;
    context->interrupt_callback.opaque = source;

    AVDictionary *options = NULL;
    av_dict_copy(&options, source->options, 0);
    kvsmedia_begin_blocking(source, source->open_timeout_us);
    int ret = avformat_open_input(&context, url, format, &options);
    if (ret < 0) {
        av_dict_free(&options);
        return kvsmedia_fail(source, ret, "opening the source");   /* context is freed on failure */
    }
    AVDictionaryEntry *unused = av_dict_get(options, "", NULL, AV_DICT_IGNORE_SUFFIX);
    if (unused != NULL) {
        int32_t status = kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT,
            "option '%s' is not known to the '%s' input", unused->key, context->iformat->name);
        av_dict_free(&options);
        avformat_close_input(&context);
        return status;
    }
    av_dict_free(&options);
    source->format = context;

    ret = avformat_find_stream_info(context, NULL);
    if (ret < 0) {
        return kvsmedia_fail(source, ret, "reading the stream information");
    }

    int index = av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    if (index < 0) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED, "the source has no video track");
    }
    /* Only the video track is read: tell the demuxer to drop the rest early. */
    for (unsigned i = 0; i < context->nb_streams; i++) {
        context->streams[i]->discard = (int)i == index ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    }
    source->stream_index = index;
    AVStream *stream = context->streams[index];
    source->time_base = stream->time_base;

    if (!is_passthrough_codec(stream->codecpar->codec_id)) {
        int32_t status = kvsmedia_encoder_open(source, stream);
        if (status != KVSMEDIA_OK) {
            return status;
        }
    }
    return KVSMEDIA_OK;
}

static int is_length_prefixed(const AVCodecParameters *parameters)
{
    /* AVCDecoderConfigurationRecord / HEVCDecoderConfigurationRecord start with version 1;
     * Annex-B extradata starts with a 00 00 01 start code. mp4/mkv carry a record and
     * length-prefixed packets; ts/rtsp/raw carry start codes (checked by the tests). */
    return parameters->extradata_size >= 7 && parameters->extradata[0] == 1;
}

KVSMEDIA_API int32_t kvsmedia_source_track_info(kvsmedia_source *source, kvsmedia_track_info *info)
{
    if (source->format == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT, "the source is not open");
    }
    memset(info, 0, sizeof *info);
    AVStream *stream = source->format->streams[source->stream_index];
    if (source->encode != NULL) {
        AVCodecContext *encoder = source->encode->encoder;
        info->codec = KVSMEDIA_CODEC_H264;
        info->width = encoder->width;
        info->height = encoder->height;
        info->length_prefixed = 0;
        info->rate_num = encoder->framerate.num;
        info->rate_den = encoder->framerate.den;
        info->encoded = 1;
        return KVSMEDIA_OK;
    }
    AVCodecParameters *parameters = stream->codecpar;
    info->codec = parameters->codec_id == AV_CODEC_ID_HEVC ? KVSMEDIA_CODEC_H265 : KVSMEDIA_CODEC_H264;
    info->width = parameters->width;
    info->height = parameters->height;
    info->length_prefixed = is_length_prefixed(parameters);
    AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
    info->rate_num = rate.num;
    info->rate_den = rate.den;
    info->encoded = 0;
    return KVSMEDIA_OK;
}

KVSMEDIA_API int32_t kvsmedia_source_extradata(kvsmedia_source *source, const uint8_t **data, int32_t *size)
{
    *data = NULL;
    *size = 0;
    if (source->format == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT, "the source is not open");
    }
    if (source->encode != NULL) {
        *data = source->encode->encoder->extradata;
        *size = source->encode->encoder->extradata_size;
    } else {
        AVCodecParameters *parameters = source->format->streams[source->stream_index]->codecpar;
        *data = parameters->extradata;
        *size = parameters->extradata_size;
    }
    return KVSMEDIA_OK;
}

KVSMEDIA_API const char *kvsmedia_source_encoder_name(kvsmedia_source *source)
{
    return source->encoder_name;
}

static void lend(kvsmedia_source *source, kvsmedia_packet *out)
{
    AVPacket *packet = source->packet;
    out->data = packet->data;
    out->size = packet->size;
    out->flags = ((packet->flags & AV_PKT_FLAG_KEY) ? KVSMEDIA_PACKET_KEY : 0)
        | ((packet->flags & AV_PKT_FLAG_CORRUPT) ? KVSMEDIA_PACKET_CORRUPT : 0);
    out->pts = to_ticks(packet->pts, source->time_base);
    out->dts = to_ticks(packet->dts, source->time_base);
    out->duration = packet->duration > 0 ? to_ticks(packet->duration, source->time_base) : 0;
}

KVSMEDIA_API int32_t kvsmedia_source_read(kvsmedia_source *source, kvsmedia_packet *out)
{
    memset(out, 0, sizeof *out);
    out->pts = out->dts = KVSMEDIA_NO_TIME;
    if (source->format == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT, "the source is not open");
    }
    av_packet_unref(source->packet);
    kvsmedia_begin_blocking(source, source->read_timeout_us);

    if (source->encode != NULL) {
        int32_t status = kvsmedia_encoder_read(source);
        if (status == KVSMEDIA_OK) {
            lend(source, out);
        }
        return status;
    }

    for (;;) {
        int ret = av_read_frame(source->format, source->packet);
        if (ret < 0) {
            return kvsmedia_fail(source, ret, "reading a packet");
        }
        if (source->packet->stream_index == source->stream_index && source->packet->size > 0) {
            lend(source, out);
            return KVSMEDIA_OK;
        }
        av_packet_unref(source->packet);
    }
}

KVSMEDIA_API void kvsmedia_source_release(kvsmedia_source *source)
{
    av_packet_unref(source->packet);
}

KVSMEDIA_API void kvsmedia_source_interrupt(kvsmedia_source *source)
{
    atomic_store(&source->interrupted, 1);
}

KVSMEDIA_API void kvsmedia_source_resume(kvsmedia_source *source)
{
    atomic_store(&source->interrupted, 0);
}

KVSMEDIA_API const char *kvsmedia_source_error(kvsmedia_source *source)
{
    return source->error;
}

KVSMEDIA_API void kvsmedia_source_close(kvsmedia_source *source)
{
    if (source == NULL) {
        return;
    }
    kvsmedia_encoder_free(&source->encode);
    av_packet_free(&source->packet);
    avformat_close_input(&source->format);
    av_dict_free(&source->options);
    av_dict_free(&source->encode_options);
    free(source);
}
