/* FFmpeg's log routed to the managed logger (issue 6 §1). */
#include <stdio.h>
#include <string.h>

#include <libavutil/log.h>

#include "kvsmedia_internal.h"

static kvsmedia_log_callback log_callback;
static int log_min_level = KVSMEDIA_LOG_NONE;

/* Set while this thread tries an encoder that may well be absent (the hardware one in auto mode):
 * FFmpeg's errors from that attempt are an expected fallback, not a failure, so they go out as
 * debug messages (issue 13: two "fail:" lines at every start without h264_v4l2m2m). */
static _Thread_local int log_probing;

void kvsmedia_log_probing(int on)
{
    log_probing = on;
}

static int to_kvsmedia_level(int av_level)
{
    if (av_level <= AV_LOG_FATAL) return KVSMEDIA_LOG_CRITICAL;
    if (av_level <= AV_LOG_ERROR) return KVSMEDIA_LOG_ERROR;
    if (av_level <= AV_LOG_WARNING) return KVSMEDIA_LOG_WARNING;
    if (av_level <= AV_LOG_INFO) return KVSMEDIA_LOG_INFORMATION;
    if (av_level <= AV_LOG_VERBOSE) return KVSMEDIA_LOG_DEBUG;
    return KVSMEDIA_LOG_TRACE;
}

static int to_av_level(int level)
{
    switch (level) {
    case KVSMEDIA_LOG_TRACE: return AV_LOG_DEBUG;
    case KVSMEDIA_LOG_DEBUG: return AV_LOG_VERBOSE;
    case KVSMEDIA_LOG_INFORMATION: return AV_LOG_INFO;
    case KVSMEDIA_LOG_WARNING: return AV_LOG_WARNING;
    case KVSMEDIA_LOG_ERROR: return AV_LOG_ERROR;
    case KVSMEDIA_LOG_CRITICAL: return AV_LOG_FATAL;
    default: return AV_LOG_QUIET;
    }
}

/* FFmpeg calls this from any thread (x264's worker threads too). */
static void forward_log(void *avcl, int av_level, const char *format, va_list args)
{
    kvsmedia_log_callback callback = log_callback;
    if (log_probing && av_level < AV_LOG_VERBOSE) {
        av_level = AV_LOG_VERBOSE;
    }
    if (callback == NULL || av_level > to_av_level(log_min_level)) {
        return;
    }

    char line[1024];
    int print_prefix = 1;
    av_log_format_line2(avcl, av_level, format, args, line, sizeof line, &print_prefix);
    size_t length = strlen(line);
    while (length > 0 && (line[length - 1] == '\n' || line[length - 1] == '\r')) {
        line[--length] = '\0';
    }
    if (length > 0) {
        callback(to_kvsmedia_level(av_level), line);
    }
}

KVSMEDIA_API int32_t kvsmedia_abi_version(void)
{
    return KVSMEDIA_ABI_VERSION;
}

KVSMEDIA_API void kvsmedia_set_log(kvsmedia_log_callback callback, int32_t min_level)
{
    log_min_level = callback == NULL ? KVSMEDIA_LOG_NONE : min_level;
    log_callback = callback;
    /* toolchain.md: set the level in the shim, or libx264 prints statistics to stderr on close. */
    av_log_set_level(to_av_level(log_min_level));
    av_log_set_callback(forward_log);
}
