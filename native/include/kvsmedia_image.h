/*
 * kvsmedia image decoder: H.264 frames in, JPEG or PNG stills out (the local endpoint's GetImages).
 * Same ABI rules as kvsmedia.h: opaque handle, integers and byte pointers, kvsmedia_status results.
 */
#ifndef KVSMEDIA_IMAGE_H
#define KVSMEDIA_IMAGE_H

#include <stdint.h>

#include "kvsmedia.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KVSMEDIA_IMAGE_JPEG 0
#define KVSMEDIA_IMAGE_PNG 1

typedef struct kvsmedia_image_decoder kvsmedia_image_decoder;

/* Opens an H.264 decoder configured by an AVCDecoderConfigurationRecord (Matroska CodecPrivate);
 * frames fed to it are length-prefixed (AVCC) as that record says. */
KVSMEDIA_API kvsmedia_status kvsmedia_image_decoder_open(const uint8_t *avcc, int32_t avcc_length,
                                                         kvsmedia_image_decoder **decoder);

/* Decodes one frame (decoding order, from a key frame on). With want_image != 0 the picture the
 * decoder outputs for it is scaled to width x height and encoded (quality 1-100 for JPEG);
 * *image stays valid until the next call or close. KVSMEDIA_CORRUPT: the frame did not decode;
 * KVSMEDIA_END_OF_STREAM: no picture came out yet (want_image set). */
KVSMEDIA_API kvsmedia_status kvsmedia_image_decoder_decode(kvsmedia_image_decoder *decoder,
                                                           const uint8_t *frame, int32_t frame_length,
                                                           int32_t want_image, int32_t format,
                                                           int32_t width, int32_t height, int32_t quality,
                                                           const uint8_t **image, int32_t *image_length);

KVSMEDIA_API void kvsmedia_image_decoder_close(kvsmedia_image_decoder *decoder);

#ifdef __cplusplus
}
#endif

#endif
