/* FFmpeg errors mapped to the few causes a user can act on (issue 6 §2: specific errors). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <libavutil/error.h>

#include "kvsmedia_internal.h"

static int32_t classify(const kvsmedia_source *source, int averror)
{
    /* Once the interrupt callback fired, whatever FFmpeg returns (AVERROR_EXIT, or the RTSP
     * demuxer's INVALIDDATA for a reply cut short) is the consequence of the timeout or the
     * interruption, not the cause. */
    if (averror != AVERROR_EOF && source->timed_out) return KVSMEDIA_TIMEOUT;
    if (averror != AVERROR_EOF && atomic_load(&source->interrupted)) return KVSMEDIA_INTERRUPTED;
    if (averror == AVERROR_EXIT || averror == AVERROR(EINTR)) return KVSMEDIA_ERROR;
    switch (averror) {
    case AVERROR_EOF: return KVSMEDIA_END_OF_STREAM;
    case AVERROR(ENOENT):
    case AVERROR(ENODEV):
    case AVERROR(ENXIO):
    case AVERROR_HTTP_NOT_FOUND:
    case AVERROR_STREAM_NOT_FOUND: return KVSMEDIA_NOT_FOUND;
    case AVERROR(EACCES):
    case AVERROR(EPERM): return KVSMEDIA_ACCESS_DENIED;
    case AVERROR_HTTP_UNAUTHORIZED:
    case AVERROR_HTTP_FORBIDDEN: return KVSMEDIA_UNAUTHORIZED;
    case AVERROR(ECONNREFUSED):
    case AVERROR(ECONNRESET):
    case AVERROR(EHOSTUNREACH):
    case AVERROR(ENETUNREACH):
    case AVERROR(ENETDOWN):
    case AVERROR(EHOSTDOWN):
    case AVERROR(EPIPE): return KVSMEDIA_UNREACHABLE;
    case AVERROR(ETIMEDOUT): return KVSMEDIA_TIMEOUT;
    case AVERROR(EBUSY): return KVSMEDIA_BUSY;
    case AVERROR(ENOMEM): return KVSMEDIA_OUT_OF_MEMORY;
    case AVERROR(EINVAL):
    case AVERROR_OPTION_NOT_FOUND: return KVSMEDIA_INVALID_ARGUMENT;
    case AVERROR_INVALIDDATA: return KVSMEDIA_CORRUPT;
    case AVERROR_DEMUXER_NOT_FOUND:
    case AVERROR_DECODER_NOT_FOUND:
    case AVERROR_ENCODER_NOT_FOUND:
    case AVERROR_PATCHWELCOME:
    case AVERROR(ENOSYS): return KVSMEDIA_UNSUPPORTED;
    default: return KVSMEDIA_ERROR;
    }
}

int32_t kvsmedia_fail(kvsmedia_source *source, int averror, const char *what)
{
    char text[AV_ERROR_MAX_STRING_SIZE];
    av_strerror(averror, text, sizeof text);
    int32_t status = classify(source, averror);
    if (status == KVSMEDIA_TIMEOUT && source->timed_out) {
        snprintf(text, sizeof text, "no data within the timeout");
    }
    snprintf(source->error, sizeof source->error, "%s: %s", what, text);
    return status;
}

int32_t kvsmedia_fail_status(kvsmedia_source *source, int32_t status, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    vsnprintf(source->error, sizeof source->error, format, args);
    va_end(args);
    return status;
}
