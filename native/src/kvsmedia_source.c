/* A demuxed source: open, track info, zero-copy packet reads of video (issue 6 §1) and audio
 * (issue 12), interleaved by decoding time through the queue. */
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
    source->audio_index = -1;
    source->packet = av_packet_alloc();
    source->input = av_packet_alloc();
    source->output = av_packet_alloc();
    if (source->packet == NULL || source->input == NULL || source->output == NULL
        || kvsmedia_queue_init(&source->queue) < 0) {
        kvsmedia_source_close(source);
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

KVSMEDIA_API int32_t kvsmedia_source_set_audio_option(kvsmedia_source *source, const char *key, const char *value)
{
    if (key == NULL || value == NULL || key[0] == '\0') {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT, "audio option name and value must be given");
    }
    int ret = av_dict_set(&source->audio_options, key, value, 0);
    return ret < 0 ? kvsmedia_fail(source, ret, "setting an audio option") : KVSMEDIA_OK;
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

    int want_video = strcmp(kvsmedia_audio_option(source, "video", "on"), "off") != 0;
    const char *audio_codec = kvsmedia_audio_option(source, "codec", "off");
    int index = want_video ? av_find_best_stream(context, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0) : -1;
    int audio_index = -1;
    if (strcmp(audio_codec, "off") != 0 || index < 0) {
        audio_index = av_find_best_stream(context, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    }
    if (index < 0 && audio_index < 0) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED,
            want_video ? "the source has no video and no audio track" : "the source has no audio track");
    }
    /* Only the tracks read are demuxed: tell the demuxer to drop the rest early. */
    for (unsigned i = 0; i < context->nb_streams; i++) {
        context->streams[i]->discard = (int)i == index || (int)i == audio_index ? AVDISCARD_DEFAULT : AVDISCARD_ALL;
    }
    source->stream_index = index;
    if (index >= 0) {
        AVStream *stream = context->streams[index];
        source->time_base = stream->time_base;
        if (!is_passthrough_codec(stream->codecpar->codec_id)) {
            int32_t status = kvsmedia_encoder_open(source, stream);
            if (status != KVSMEDIA_OK) {
                return status;
            }
        }
    }
    source->audio_index = audio_index;
    if (audio_index >= 0) {
        int32_t status = kvsmedia_audio_open(source, context->streams[audio_index]);
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
    if (source->stream_index < 0) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED, "the source delivers no video track");
    }
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
    if (source->stream_index < 0) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED, "the source delivers no video track");
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

KVSMEDIA_API int32_t kvsmedia_source_tracks(kvsmedia_source *source, int32_t *has_video, int32_t *has_audio)
{
    *has_video = 0;
    *has_audio = 0;
    if (source->format == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT, "the source is not open");
    }
    *has_video = source->stream_index >= 0;
    *has_audio = source->audio != NULL;
    return KVSMEDIA_OK;
}

KVSMEDIA_API int32_t kvsmedia_source_audio_info(kvsmedia_source *source, kvsmedia_audio_info *info)
{
    memset(info, 0, sizeof *info);
    if (source->audio == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED, "the source delivers no audio track");
    }
    info->codec = source->audio->codec;
    info->sample_rate = source->audio->sample_rate;
    info->channels = source->audio->channels;
    info->frame_samples = source->audio->frame_samples;
    info->encoded = !source->audio->passthrough;
    return KVSMEDIA_OK;
}

KVSMEDIA_API int32_t kvsmedia_source_audio_extradata(kvsmedia_source *source, const uint8_t **data, int32_t *size)
{
    *data = NULL;
    *size = 0;
    kvsmedia_audio *audio = source->audio;
    if (audio == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED, "the source delivers no audio track");
    }
    if (audio->codec != KVSMEDIA_CODEC_AAC) {
        return KVSMEDIA_OK;   /* G.711: the WAVEFORMATEX is built from rate and channels */
    }
    if (audio->encoder != NULL) {
        *data = audio->encoder->extradata;
        *size = audio->encoder->extradata_size;
    } else if (audio->asc_size > 0) {
        *data = audio->asc;
        *size = audio->asc_size;
    } else {
        AVCodecParameters *parameters = source->format->streams[source->audio_index]->codecpar;
        *data = parameters->extradata;
        *size = parameters->extradata_size;
    }
    return KVSMEDIA_OK;
}

KVSMEDIA_API const char *kvsmedia_source_audio_encoder_name(kvsmedia_source *source)
{
    return source->audio_encoder_name;
}

KVSMEDIA_API const char *kvsmedia_source_encoder_name(kvsmedia_source *source)
{
    return source->encoder_name;
}

static void lend(kvsmedia_source *source, kvsmedia_packet *out)
{
    AVPacket *packet = source->packet;
    AVRational time_base = source->lent_time_base;
    out->data = packet->data;
    out->size = packet->size;
    out->flags = ((packet->flags & AV_PKT_FLAG_KEY) ? KVSMEDIA_PACKET_KEY : 0)
        | ((packet->flags & AV_PKT_FLAG_CORRUPT) ? KVSMEDIA_PACKET_CORRUPT : 0)
        | (source->lent_track == KVSMEDIA_TRACK_AUDIO ? KVSMEDIA_PACKET_AUDIO : 0);
    out->pts = to_ticks(packet->pts, time_base);
    out->dts = to_ticks(packet->dts, time_base);
    out->duration = packet->duration > 0 ? to_ticks(packet->duration, time_base) : 0;
}

/* Demuxes one packet and hands it to its track's path, which queues what it produces. At the
 * end of the input every path is flushed and marked ended. */
static int32_t pull(kvsmedia_source *source)
{
    AVPacket *input = source->input;
    int ret = av_read_frame(source->format, input);
    if (ret == AVERROR_EOF) {
        source->input_ended = 1;
        int32_t status = KVSMEDIA_OK;
        if (source->encode != NULL) {
            status = kvsmedia_encoder_feed(source, NULL);
        }
        if (status == KVSMEDIA_OK && source->audio != NULL) {
            status = kvsmedia_audio_feed(source, NULL);
        }
        source->track_ended[KVSMEDIA_TRACK_VIDEO] = 1;
        source->track_ended[KVSMEDIA_TRACK_AUDIO] = 1;
        return status;
    }
    if (ret < 0) {
        return kvsmedia_fail(source, ret, "reading a packet");
    }
    if (input->stream_index == source->stream_index && source->stream_index >= 0) {
        if (source->encode != NULL) {
            return kvsmedia_encoder_feed(source, input);
        }
        if (input->size <= 0) {
            av_packet_unref(input);
            return KVSMEDIA_OK;
        }
        return kvsmedia_queue_push(source, KVSMEDIA_TRACK_VIDEO, input, source->time_base);
    }
    if (input->stream_index == source->audio_index && source->audio_index >= 0) {
        return kvsmedia_audio_feed(source, input);
    }
    av_packet_unref(input);
    return KVSMEDIA_OK;
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

    for (;;) {
        if (kvsmedia_queue_ready(source)) {
            source->lent_track = kvsmedia_queue_pop(source, source->packet, &source->lent_time_base);
            lend(source, out);
            return KVSMEDIA_OK;
        }
        if (source->input_ended) {
            return kvsmedia_fail(source, AVERROR_EOF, "reading a packet");
        }
        int32_t status = pull(source);
        if (status != KVSMEDIA_OK) {
            return status;
        }
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
    kvsmedia_audio_free(&source->audio);
    kvsmedia_queue_free(&source->queue);
    av_packet_free(&source->packet);
    av_packet_free(&source->input);
    av_packet_free(&source->output);
    avformat_close_input(&source->format);
    av_dict_free(&source->options);
    av_dict_free(&source->encode_options);
    av_dict_free(&source->audio_options);
    free(source);
}
