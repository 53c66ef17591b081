/* What differs between the FFmpeg majors libkvsmedia builds against (5.1 = libavcodec 59,
 * 7.1 = libavcodec 61), behind one spelling each, so the rest of the code has no version checks.
 *
 * - Supported formats of an encoder: AVCodec.pix_fmts / sample_fmts are deprecated since
 *   libavcodec 61.13.100 (FFmpeg 7.1) in favour of avcodec_get_supported_config(); 5.1 has only
 *   the fields (doc/APIchanges, 2024-09-xx "avcodec_get_supported_config").
 * - Channel layouts: use AVChannelLayout (AVCodecParameters.ch_layout, AVCodecContext.ch_layout)
 *   only. 5.1 has it (libavutil 57.24.100) and 7.0 removed the old channels/channel_layout fields.
 * - AVCodec and AVInputFormat are const in both (av_find_input_format, avcodec_find_*).
 */
#ifndef KVSMEDIA_COMPAT_H
#define KVSMEDIA_COMPAT_H

#include <libavcodec/avcodec.h>
#include <libavutil/version.h>

#define KVSMEDIA_HAS_SUPPORTED_CONFIG (LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(61, 13, 100))

/* The pixel formats an encoder takes, AV_PIX_FMT_NONE-terminated, or NULL when it takes any. */
static inline const enum AVPixelFormat *kvsmedia_encoder_pixel_formats(const AVCodec *codec)
{
#if KVSMEDIA_HAS_SUPPORTED_CONFIG
    const void *formats = NULL;
    if (avcodec_get_supported_config(NULL, codec, AV_CODEC_CONFIG_PIX_FORMAT, 0, &formats, NULL) < 0) {
        return NULL;
    }
    return formats;
#else
    return codec->pix_fmts;
#endif
}

/* The sample formats an encoder takes, AV_SAMPLE_FMT_NONE-terminated, or NULL when it takes any. */
static inline const enum AVSampleFormat *kvsmedia_encoder_sample_formats(const AVCodec *codec)
{
#if KVSMEDIA_HAS_SUPPORTED_CONFIG
    const void *formats = NULL;
    if (avcodec_get_supported_config(NULL, codec, AV_CODEC_CONFIG_SAMPLE_FORMAT, 0, &formats, NULL) < 0) {
        return NULL;
    }
    return formats;
#else
    return codec->sample_fmts;
#endif
}

/* The sample rates an encoder takes, 0-terminated, or NULL when it takes any. */
static inline const int *kvsmedia_encoder_sample_rates(const AVCodec *codec)
{
#if KVSMEDIA_HAS_SUPPORTED_CONFIG
    const void *rates = NULL;
    if (avcodec_get_supported_config(NULL, codec, AV_CODEC_CONFIG_SAMPLE_RATE, 0, &rates, NULL) < 0) {
        return NULL;
    }
    return rates;
#else
    return codec->supported_samplerates;
#endif
}

#endif
