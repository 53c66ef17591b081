/* H.264 -> JPEG/PNG stills for GetImages (kvsmedia_image.h). */
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/imgutils.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>

#include "kvsmedia_image.h"

struct kvsmedia_image_decoder {
    AVCodecContext *decoder;
    AVFrame *decoded;   /* the newest picture */
    AVFrame *incoming;  /* receive target: avcodec_receive_frame clears it even when nothing comes */
    AVPacket *packet;
    AVPacket *encoded;
    int has_picture;
};

kvsmedia_status kvsmedia_image_decoder_open(const uint8_t *avcc, int32_t avcc_length, kvsmedia_image_decoder **result)
{
    *result = NULL;
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_H264);
    if (codec == NULL) {
        return KVSMEDIA_UNSUPPORTED;
    }

    kvsmedia_image_decoder *d = av_mallocz(sizeof(*d));
    if (d == NULL) {
        return KVSMEDIA_OUT_OF_MEMORY;
    }

    d->decoder = avcodec_alloc_context3(codec);
    d->decoded = av_frame_alloc();
    d->incoming = av_frame_alloc();
    d->packet = av_packet_alloc();
    d->encoded = av_packet_alloc();
    if (d->decoder == NULL || d->decoded == NULL || d->incoming == NULL || d->packet == NULL || d->encoded == NULL) {
        kvsmedia_image_decoder_close(d);
        return KVSMEDIA_OUT_OF_MEMORY;
    }

    d->decoder->extradata = av_mallocz((size_t)avcc_length + AV_INPUT_BUFFER_PADDING_SIZE);
    if (d->decoder->extradata == NULL) {
        kvsmedia_image_decoder_close(d);
        return KVSMEDIA_OUT_OF_MEMORY;
    }

    memcpy(d->decoder->extradata, avcc, (size_t)avcc_length);
    d->decoder->extradata_size = avcc_length;
    /* One thread: frame threading would hold pictures back by the thread count. */
    d->decoder->thread_count = 1;
    if (avcodec_open2(d->decoder, codec, NULL) < 0) {
        kvsmedia_image_decoder_close(d);
        return KVSMEDIA_CORRUPT;
    }

    *result = d;
    return KVSMEDIA_OK;
}

static kvsmedia_status encode_picture(kvsmedia_image_decoder *d, int32_t format, int32_t width, int32_t height,
                                      int32_t quality, const uint8_t **image, int32_t *image_length)
{
    int png = format == KVSMEDIA_IMAGE_PNG;
    const AVCodec *codec = avcodec_find_encoder(png ? AV_CODEC_ID_PNG : AV_CODEC_ID_MJPEG);
    if (codec == NULL) {
        return KVSMEDIA_UNSUPPORTED;
    }

    enum AVPixelFormat pixel_format = png ? AV_PIX_FMT_RGB24 : AV_PIX_FMT_YUVJ420P;
    AVCodecContext *encoder = avcodec_alloc_context3(codec);
    AVFrame *scaled = av_frame_alloc();
    struct SwsContext *scaler = NULL;
    kvsmedia_status status = KVSMEDIA_OUT_OF_MEMORY;
    if (encoder == NULL || scaled == NULL) {
        goto done;
    }

    encoder->width = width;
    encoder->height = height;
    encoder->pix_fmt = pixel_format;
    encoder->time_base = (AVRational){1, 25};
    if (!png) {
        /* Quality 1-100 onto the MJPEG quantizer 31-2 (lower is better). */
        int q = 31 - (quality - 1) * 29 / 99;
        encoder->flags |= AV_CODEC_FLAG_QSCALE;
        encoder->global_quality = FF_QP2LAMBDA * q;
        encoder->color_range = AVCOL_RANGE_JPEG;
    }

    if (avcodec_open2(encoder, codec, NULL) < 0) {
        status = KVSMEDIA_UNSUPPORTED;
        goto done;
    }

    scaled->format = pixel_format;
    scaled->width = width;
    scaled->height = height;
    if (av_frame_get_buffer(scaled, 0) < 0) {
        goto done;
    }

    scaler = sws_getContext(d->decoded->width, d->decoded->height, (enum AVPixelFormat)d->decoded->format,
                            width, height, pixel_format, SWS_BICUBIC, NULL, NULL, NULL);
    if (scaler == NULL) {
        status = KVSMEDIA_UNSUPPORTED;
        goto done;
    }

    sws_scale(scaler, (const uint8_t *const *)d->decoded->data, d->decoded->linesize, 0, d->decoded->height,
              scaled->data, scaled->linesize);
    scaled->pts = 0;
    av_packet_unref(d->encoded);
    if (avcodec_send_frame(encoder, scaled) < 0 || avcodec_send_frame(encoder, NULL) < 0 ||
        avcodec_receive_packet(encoder, d->encoded) < 0) {
        status = KVSMEDIA_ERROR;
        goto done;
    }

    *image = d->encoded->data;
    *image_length = d->encoded->size;
    status = KVSMEDIA_OK;

done:
    sws_freeContext(scaler);
    av_frame_free(&scaled);
    avcodec_free_context(&encoder);
    return status;
}

kvsmedia_status kvsmedia_image_decoder_decode(kvsmedia_image_decoder *d, const uint8_t *frame, int32_t frame_length,
                                              int32_t want_image, int32_t format, int32_t width, int32_t height,
                                              int32_t quality, const uint8_t **image, int32_t *image_length)
{
    *image = NULL;
    *image_length = 0;
    if (av_new_packet(d->packet, frame_length) < 0) {
        return KVSMEDIA_OUT_OF_MEMORY;
    }

    memcpy(d->packet->data, frame, (size_t)frame_length);
    int sent = avcodec_send_packet(d->decoder, d->packet);
    av_packet_unref(d->packet);
    if (sent < 0 && sent != AVERROR(EAGAIN)) {
        return KVSMEDIA_CORRUPT;
    }

    /* Keep the newest picture the decoder gives out. */
    for (;;) {
        int received = avcodec_receive_frame(d->decoder, d->incoming);
        if (received == AVERROR(EAGAIN) || received == AVERROR_EOF) {
            break;
        }

        if (received < 0) {
            return KVSMEDIA_CORRUPT;
        }

        av_frame_unref(d->decoded);
        av_frame_move_ref(d->decoded, d->incoming);
        d->has_picture = 1;
    }

    if (!want_image) {
        return KVSMEDIA_OK;
    }

    if (!d->has_picture) {
        return KVSMEDIA_END_OF_STREAM;
    }

    return encode_picture(d, format, width > 0 ? width : d->decoded->width, height > 0 ? height : d->decoded->height,
                          quality, image, image_length);
}

void kvsmedia_image_decoder_close(kvsmedia_image_decoder *d)
{
    if (d == NULL) {
        return;
    }

    avcodec_free_context(&d->decoder);
    av_frame_free(&d->decoded);
    av_frame_free(&d->incoming);
    av_packet_free(&d->packet);
    av_packet_free(&d->encoded);
    av_free(d);
}
