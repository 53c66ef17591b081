/* The audio path (issue 12): AAC and G.711 passed through as the source has them (ADTS headers
 * stripped: Matroska's A_AAC carries raw access units), anything else (Opus, PCM, MP3, a
 * microphone's samples) decoded, resampled with libswresample, cut into whole encoder frames and
 * encoded with FFmpeg's native AAC encoder or G.711. Encoded timestamps count samples. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>

#include "kvsmedia_compat.h"
#include "kvsmedia_internal.h"

/* G.711 packets of 20 ms, as the official SDKs' G.711 samples and RTP (RFC 3551 §4.5 ptime 20). */
#define G711_PACKETS_PER_SECOND 50

/* A decoded frame this far from where the sample count puts it (a gap in the input, a camera
 * reconnecting inside FFmpeg) restarts the count at the frame's own time, in milliseconds. */
#define AUDIO_RESYNC_MS 200

/* ISO 14496-3 Table 1.18: sampling_frequency_index. */
static const int aac_rates[] = { 96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350 };

const char *kvsmedia_audio_option(const kvsmedia_source *source, const char *key, const char *fallback)
{
    AVDictionaryEntry *entry = av_dict_get(source->audio_options, key, NULL, 0);
    return entry != NULL ? entry->value : fallback;
}

static int numeric(const kvsmedia_source *source, const char *key)
{
    return (int)strtol(kvsmedia_audio_option(source, key, "0"), NULL, 10);
}

static int32_t codec_of(enum AVCodecID id)
{
    switch (id) {
    case AV_CODEC_ID_AAC: return KVSMEDIA_CODEC_AAC;
    case AV_CODEC_ID_PCM_ALAW: return KVSMEDIA_CODEC_ALAW;
    case AV_CODEC_ID_PCM_MULAW: return KVSMEDIA_CODEC_MULAW;
    default: return -1;
    }
}

/* AudioSpecificConfig (ISO 14496-3 §1.6.2.1) for AAC whose container gave none (ADTS: .aac, ts):
 * audioObjectType(5) samplingFrequencyIndex(4) channelConfiguration(4) + 3 zero bits. */
static int build_asc(kvsmedia_audio *audio, const AVCodecParameters *parameters)
{
    int index = -1;
    for (int i = 0; i < (int)(sizeof aac_rates / sizeof aac_rates[0]); i++) {
        if (aac_rates[i] == parameters->sample_rate) {
            index = i;
        }
    }
    int channels = parameters->ch_layout.nb_channels;
    if (index < 0 || channels < 1 || channels > 7) {
        return -1;
    }
    /* FFmpeg's AAC profiles are audioObjectType - 1 for Main, LC, SSR and LTP; anything else
     * (HE-AAC's SBR needs an extended config) is described as LC, what the ADTS header says. */
    int object_type = parameters->profile >= 0 && parameters->profile <= 3 ? parameters->profile + 1 : 2;
    audio->asc[0] = (uint8_t)((object_type << 3) | (index >> 1));
    audio->asc[1] = (uint8_t)(((index & 1) << 7) | (channels << 3));
    audio->asc_size = 2;
    return 0;
}

static int32_t open_passthrough(kvsmedia_source *source, kvsmedia_audio *audio, AVStream *stream)
{
    AVCodecParameters *parameters = stream->codecpar;
    audio->passthrough = 1;
    audio->codec = codec_of(parameters->codec_id);
    audio->sample_rate = parameters->sample_rate;
    audio->channels = parameters->ch_layout.nb_channels;
    if (audio->codec == KVSMEDIA_CODEC_AAC) {
        audio->frame_samples = parameters->frame_size > 0 ? parameters->frame_size : 1024;
        if (parameters->extradata_size == 0) {
            audio->strip_adts = 1;
            if (build_asc(audio, parameters) < 0) {
                return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED,
                    "the AAC track (%d Hz, %d channels) has no AudioSpecificConfig and none can be built for it",
                    parameters->sample_rate, audio->channels);
            }
        }
    }
    if (audio->sample_rate <= 0 || audio->channels <= 0) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED,
            "the audio track does not say its sample rate and channels");
    }
    return KVSMEDIA_OK;
}

static int32_t open_encoder(kvsmedia_source *source, kvsmedia_audio *audio, AVStream *stream, int32_t target)
{
    const AVCodec *decoder_codec = avcodec_find_decoder(stream->codecpar->codec_id);
    if (decoder_codec == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED,
            "the audio codec '%s' cannot be decoded by this FFmpeg build", avcodec_get_name(stream->codecpar->codec_id));
    }
    audio->decoder = avcodec_alloc_context3(decoder_codec);
    audio->decoded = av_frame_alloc();
    audio->chunk = av_frame_alloc();
    if (audio->decoder == NULL || audio->decoded == NULL || audio->chunk == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_OUT_OF_MEMORY, "out of memory");
    }
    int ret = avcodec_parameters_to_context(audio->decoder, stream->codecpar);
    if (ret >= 0) {
        audio->decoder->pkt_timebase = stream->time_base;
        ret = avcodec_open2(audio->decoder, decoder_codec, NULL);
    }
    if (ret < 0) {
        return kvsmedia_fail(source, ret, "opening the audio decoder");
    }

    const char *name = target == KVSMEDIA_CODEC_AAC ? "aac" : target == KVSMEDIA_CODEC_ALAW ? "pcm_alaw" : "pcm_mulaw";
    const AVCodec *codec = avcodec_find_encoder_by_name(name);
    if (codec == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_UNSUPPORTED, "this FFmpeg build has no %s encoder", name);
    }
    int g711 = target != KVSMEDIA_CODEC_AAC;
    int rate = numeric(source, "sample_rate");
    int channels = numeric(source, "channels");
    int source_channels = audio->decoder->ch_layout.nb_channels;
    if (rate <= 0) {
        rate = g711 ? 8000 : audio->decoder->sample_rate;
    }
    if (channels <= 0) {
        /* Kinesis Video Streams takes 1 or 2 channels (the official SDKs' limit): more are downmixed. */
        channels = g711 ? 1 : source_channels > 2 ? 2 : source_channels < 1 ? 1 : source_channels;
    }
    if (!g711) {
        const int *rates = kvsmedia_encoder_sample_rates(codec);
        int supported = rates == NULL;
        for (const int *r = rates; r != NULL && *r != 0; r++) {
            supported |= *r == rate;
        }
        if (!supported) {
            return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT,
                "AAC cannot be encoded at %d Hz: use 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200 or 96000", rate);
        }
    }

    audio->encoder = avcodec_alloc_context3(codec);
    if (audio->encoder == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_OUT_OF_MEMORY, "out of memory");
    }
    AVCodecContext *encoder = audio->encoder;
    const enum AVSampleFormat *formats = kvsmedia_encoder_sample_formats(codec);
    encoder->sample_fmt = formats != NULL ? formats[0] : AV_SAMPLE_FMT_S16;
    encoder->sample_rate = rate;
    av_channel_layout_default(&encoder->ch_layout, channels);
    encoder->time_base = (AVRational){ 1, rate };
    int bitrate = numeric(source, "bitrate");
    if (!g711) {
        encoder->bit_rate = bitrate > 0 ? bitrate : 64000 * channels;
        encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;   /* AudioSpecificConfig in extradata */
    }
    ret = avcodec_open2(encoder, codec, NULL);
    if (ret < 0) {
        return kvsmedia_fail(source, ret, "opening the audio encoder");
    }
    audio->passthrough = 0;
    audio->codec = target;
    audio->sample_rate = rate;
    audio->channels = channels;
    audio->frame_samples = encoder->frame_size > 0 ? encoder->frame_size : rate / G711_PACKETS_PER_SECOND;
    audio->next_pts = AV_NOPTS_VALUE;

    ret = swr_alloc_set_opts2(&audio->resampler, &encoder->ch_layout, encoder->sample_fmt, rate,
        &audio->decoder->ch_layout, audio->decoder->sample_fmt, audio->decoder->sample_rate, 0, NULL);
    if (ret >= 0) {
        ret = swr_init(audio->resampler);
    }
    if (ret < 0) {
        return kvsmedia_fail(source, ret, "configuring the resampler");
    }
    audio->fifo = av_audio_fifo_alloc(encoder->sample_fmt, channels, audio->frame_samples * 4);
    if (audio->fifo == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_OUT_OF_MEMORY, "out of memory");
    }
    snprintf(source->audio_encoder_name, sizeof source->audio_encoder_name, "%s", name);
    return KVSMEDIA_OK;
}

int32_t kvsmedia_audio_open(kvsmedia_source *source, AVStream *stream)
{
    const char *wanted = kvsmedia_audio_option(source, "codec", "auto");
    if (strcmp(wanted, "off") == 0) {
        wanted = "auto";   /* a source without video is read for its audio whatever was asked */
    }
    int32_t target;
    if (strcmp(wanted, "auto") == 0 || strcmp(wanted, "aac") == 0) {
        target = KVSMEDIA_CODEC_AAC;
    } else if (strcmp(wanted, "alaw") == 0) {
        target = KVSMEDIA_CODEC_ALAW;
    } else if (strcmp(wanted, "mulaw") == 0) {
        target = KVSMEDIA_CODEC_MULAW;
    } else {
        return kvsmedia_fail_status(source, KVSMEDIA_INVALID_ARGUMENT,
            "audio codec '%s' is not supported: use auto, aac, alaw or mulaw", wanted);
    }

    kvsmedia_audio *audio = calloc(1, sizeof *audio);
    if (audio == NULL) {
        return kvsmedia_fail_status(source, KVSMEDIA_OUT_OF_MEMORY, "out of memory");
    }
    source->audio = audio;
    int32_t source_codec = codec_of(stream->codecpar->codec_id);
    /* auto keeps whichever codec Kinesis Video Streams takes; a named codec keeps only itself.
     * An explicit rate or channel count means the audio must be re-encoded to get it. */
    int explicit_format = numeric(source, "sample_rate") > 0 || numeric(source, "channels") > 0;
    int keep = source_codec >= 0 && !explicit_format && (strcmp(wanted, "auto") == 0 || source_codec == target)
        && stream->codecpar->ch_layout.nb_channels <= 2;
    return keep ? open_passthrough(source, audio, stream) : open_encoder(source, audio, stream, target);
}

/* ADTS (ISO 14496-3 §1.A.2): syncword 0xFFF, header 7 bytes, 9 with CRC (protection_absent 0). */
static void strip_adts(AVPacket *packet)
{
    if (packet->size >= 7 && packet->data[0] == 0xFF && (packet->data[1] & 0xF6) == 0xF0) {
        int header = (packet->data[1] & 0x01) ? 7 : 9;
        if (packet->size > header) {
            packet->data += header;
            packet->size -= header;
        }
    }
}

/* Encodes whole frames from the FIFO (all that is left when flushing) and queues the packets. */
static int32_t encode_fifo(kvsmedia_source *source, int flushing)
{
    kvsmedia_audio *audio = source->audio;
    AVCodecContext *encoder = audio->encoder;
    for (;;) {
        int available = av_audio_fifo_size(audio->fifo);
        int take = available >= audio->frame_samples ? audio->frame_samples : flushing ? available : 0;
        if (take > 0) {
            AVFrame *chunk = audio->chunk;
            av_frame_unref(chunk);
            chunk->nb_samples = take;
            chunk->format = encoder->sample_fmt;
            chunk->sample_rate = encoder->sample_rate;
            int ret = av_channel_layout_copy(&chunk->ch_layout, &encoder->ch_layout);
            if (ret >= 0) {
                ret = av_frame_get_buffer(chunk, 0);
            }
            if (ret < 0) {
                return kvsmedia_fail(source, ret, "allocating an audio frame");
            }
            av_audio_fifo_read(audio->fifo, (void **)chunk->data, take);
            chunk->pts = audio->next_pts;
            audio->next_pts += take;
            ret = avcodec_send_frame(encoder, chunk);
            if (ret < 0) {
                return kvsmedia_fail(source, ret, "encoding audio");
            }
        } else if (flushing && !audio->flushed) {
            audio->flushed = 1;
            avcodec_send_frame(encoder, NULL);
        }

        for (;;) {
            int ret = avcodec_receive_packet(encoder, source->output);
            if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) {
                break;
            }
            if (ret < 0) {
                return kvsmedia_fail(source, ret, "encoding audio");
            }
            if (source->output->duration <= 0) {
                source->output->duration = audio->frame_samples;
            }
            int32_t status = kvsmedia_queue_push(source, KVSMEDIA_TRACK_AUDIO, source->output, encoder->time_base);
            if (status != KVSMEDIA_OK) {
                return status;
            }
        }
        if (take == 0) {
            return KVSMEDIA_OK;
        }
    }
}

/* Resamples the decoded frame into the FIFO; the sample count restarts at the frame's time
 * when the input jumped. */
static int32_t resample_decoded(kvsmedia_source *source)
{
    kvsmedia_audio *audio = source->audio;
    AVFrame *decoded = audio->decoded;
    int rate = audio->encoder->sample_rate;
    int64_t frame_time = decoded->best_effort_timestamp;
    if (frame_time != AV_NOPTS_VALUE) {
        int64_t at = av_rescale_q(frame_time, audio->decoder->pkt_timebase, (AVRational){ 1, rate });
        int64_t expected = audio->next_pts == AV_NOPTS_VALUE ? AV_NOPTS_VALUE : audio->next_pts + av_audio_fifo_size(audio->fifo);
        if (expected == AV_NOPTS_VALUE || llabs(at - expected) > (int64_t)rate * AUDIO_RESYNC_MS / 1000) {
            audio->next_pts = at - av_audio_fifo_size(audio->fifo);
        }
    } else if (audio->next_pts == AV_NOPTS_VALUE) {
        audio->next_pts = 0;
    }

    int out_samples = swr_get_out_samples(audio->resampler, decoded->nb_samples);
    if (out_samples < 0) {
        return kvsmedia_fail(source, out_samples, "resampling audio");
    }
    int ret = av_audio_fifo_realloc(audio->fifo, av_audio_fifo_size(audio->fifo) + out_samples);
    if (ret < 0) {
        return kvsmedia_fail(source, ret, "buffering audio");
    }
    /* The FIFO has room for out_samples at its end: convert straight into it. */
    uint8_t *planes[AV_NUM_DATA_POINTERS] = { 0 };
    AVFrame *staging = audio->chunk;
    av_frame_unref(staging);
    staging->nb_samples = out_samples;
    staging->format = audio->encoder->sample_fmt;
    staging->sample_rate = rate;
    ret = av_channel_layout_copy(&staging->ch_layout, &audio->encoder->ch_layout);
    if (ret >= 0) {
        ret = av_frame_get_buffer(staging, 0);
    }
    if (ret < 0) {
        return kvsmedia_fail(source, ret, "allocating an audio frame");
    }
    for (int i = 0; i < AV_NUM_DATA_POINTERS; i++) {
        planes[i] = staging->data[i];
    }
    int converted = swr_convert(audio->resampler, planes, out_samples,
        (const uint8_t **)decoded->extended_data, decoded->nb_samples);
    av_frame_unref(decoded);
    if (converted < 0) {
        return kvsmedia_fail(source, converted, "resampling audio");
    }
    if (converted > 0 && av_audio_fifo_write(audio->fifo, (void **)staging->data, converted) < converted) {
        return kvsmedia_fail_status(source, KVSMEDIA_OUT_OF_MEMORY, "out of memory buffering audio");
    }
    return KVSMEDIA_OK;
}

int32_t kvsmedia_audio_feed(kvsmedia_source *source, AVPacket *input)
{
    kvsmedia_audio *audio = source->audio;
    if (audio->passthrough) {
        if (input == NULL) {
            return KVSMEDIA_OK;
        }
        if (audio->strip_adts) {
            strip_adts(input);
        }
        if (input->size <= 0) {
            av_packet_unref(input);
            return KVSMEDIA_OK;
        }
        AVRational time_base = source->format->streams[source->audio_index]->time_base;
        return kvsmedia_queue_push(source, KVSMEDIA_TRACK_AUDIO, input, time_base);
    }

    int ret = avcodec_send_packet(audio->decoder, input);
    if (input != NULL) {
        av_packet_unref(input);
    }
    if (ret == AVERROR_INVALIDDATA) {
        /* One damaged packet (a lost RTP packet) must not end the stream. */
        av_log(NULL, AV_LOG_WARNING, "kvsmedia: skipped an audio packet that does not decode\n");
        return KVSMEDIA_OK;
    }
    if (ret < 0 && ret != AVERROR(EAGAIN) && ret != AVERROR_EOF) {
        return kvsmedia_fail(source, ret, "decoding audio");
    }
    for (;;) {
        ret = avcodec_receive_frame(audio->decoder, audio->decoded);
        if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) {
            break;
        }
        if (ret < 0) {
            return kvsmedia_fail(source, ret, "decoding audio");
        }
        int32_t status = resample_decoded(source);
        if (status == KVSMEDIA_OK) {
            status = encode_fifo(source, 0);
        }
        if (status != KVSMEDIA_OK) {
            return status;
        }
    }
    if (input == NULL) {
        /* What the resampler still holds, then the partial last frame and the encoder's delay. */
        int left = swr_get_out_samples(audio->resampler, 0);
        if (left > 0 && audio->next_pts != AV_NOPTS_VALUE) {
            uint8_t **planes = NULL;
            if (av_samples_alloc_array_and_samples(&planes, NULL, audio->channels, left, audio->encoder->sample_fmt, 0) >= 0) {
                int converted = swr_convert(audio->resampler, planes, left, NULL, 0);
                if (converted > 0) {
                    av_audio_fifo_write(audio->fifo, (void **)planes, converted);
                }
                av_freep(&planes[0]);
                av_freep(&planes);
            }
        }
        if (audio->next_pts == AV_NOPTS_VALUE) {
            return KVSMEDIA_OK;   /* nothing was ever decoded */
        }
        return encode_fifo(source, 1);
    }
    return KVSMEDIA_OK;
}

void kvsmedia_audio_free(kvsmedia_audio **audio_handle)
{
    kvsmedia_audio *audio = *audio_handle;
    if (audio == NULL) {
        return;
    }
    avcodec_free_context(&audio->decoder);
    avcodec_free_context(&audio->encoder);
    swr_free(&audio->resampler);
    if (audio->fifo != NULL) {
        av_audio_fifo_free(audio->fifo);
    }
    av_frame_free(&audio->decoded);
    av_frame_free(&audio->chunk);
    free(audio);
    *audio_handle = NULL;
}
