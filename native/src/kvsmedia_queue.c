/* The packets ready to lend, handed out in decoding-time order across video and audio (issue 12).
 * Demuxers interleave by file position (mp4: tracks up to a second apart), RTSP by arrival; the
 * MKV fragmenter needs one timeline, where an audio frame never falls before the key frame that
 * started its fragment. A packet is lent once every track still running has one queued, so the
 * earliest is known; a full queue (one track silent for long) lends the earliest anyway. */
#include <string.h>

#include "kvsmedia_internal.h"

/* Lend the earliest even while a track has nothing queued once this many packets wait. */
#define KVSMEDIA_QUEUE_HIGH_WATER (KVSMEDIA_QUEUE_SIZE - 64)

/* ...or once the queued packets span this much (100 ns ticks): a live source whose audio stalled
 * must not hold its video for long. */
#define KVSMEDIA_QUEUE_MAX_SPAN (2 * 10000000LL)

int kvsmedia_queue_init(kvsmedia_queue *queue)
{
    memset(queue, 0, sizeof *queue);
    for (int i = 0; i < KVSMEDIA_QUEUE_SIZE; i++) {
        queue->items[i].packet = av_packet_alloc();
        if (queue->items[i].packet == NULL) {
            return AVERROR(ENOMEM);
        }
    }
    return 0;
}

void kvsmedia_queue_free(kvsmedia_queue *queue)
{
    for (int i = 0; i < KVSMEDIA_QUEUE_SIZE; i++) {
        av_packet_free(&queue->items[i].packet);
    }
    queue->count = 0;
}

int32_t kvsmedia_queue_push(kvsmedia_source *source, int track, AVPacket *packet, AVRational time_base)
{
    kvsmedia_queue *queue = &source->queue;
    if (queue->count == KVSMEDIA_QUEUE_SIZE) {
        /* Cannot happen while read() lends at the high-water mark; refuse rather than overwrite. */
        av_packet_unref(packet);
        return kvsmedia_fail_status(source, KVSMEDIA_ERROR, "the packet queue is full (%d packets)", KVSMEDIA_QUEUE_SIZE);
    }
    kvsmedia_queued *item = &queue->items[queue->count++];
    av_packet_move_ref(item->packet, packet);
    item->track = track;
    item->time_base = time_base;
    int64_t time = item->packet->dts != AV_NOPTS_VALUE ? item->packet->dts : item->packet->pts;
    item->dts_ticks = time == AV_NOPTS_VALUE ? INT64_MIN : av_rescale_q(time, time_base, (AVRational){ 1, 10000000 });
    return KVSMEDIA_OK;
}

static int earliest(const kvsmedia_queue *queue)
{
    int best = 0;
    for (int i = 1; i < queue->count; i++) {
        /* Ties keep queue order (arrival), so equal times never reorder a track. */
        if (queue->items[i].dts_ticks < queue->items[best].dts_ticks) {
            best = i;
        }
    }
    return best;
}

int kvsmedia_queue_ready(const kvsmedia_source *source)
{
    const kvsmedia_queue *queue = &source->queue;
    if (queue->count == 0) {
        return 0;
    }
    if (queue->count >= KVSMEDIA_QUEUE_HIGH_WATER) {
        return 1;
    }
    int queued[2] = { 0, 0 };
    int64_t low = INT64_MAX, high = INT64_MIN;
    for (int i = 0; i < queue->count; i++) {
        queued[queue->items[i].track] = 1;
        int64_t t = queue->items[i].dts_ticks;
        if (t != INT64_MIN) {
            low = t < low ? t : low;
            high = t > high ? t : high;
        }
    }
    if (high != INT64_MIN && high - low > KVSMEDIA_QUEUE_MAX_SPAN) {
        return 1;
    }
    int running_video = source->stream_index >= 0 && !source->track_ended[KVSMEDIA_TRACK_VIDEO];
    int running_audio = source->audio_index >= 0 && !source->track_ended[KVSMEDIA_TRACK_AUDIO];
    return (!running_video || queued[KVSMEDIA_TRACK_VIDEO]) && (!running_audio || queued[KVSMEDIA_TRACK_AUDIO]);
}

int kvsmedia_queue_pop(kvsmedia_source *source, AVPacket *out, AVRational *time_base)
{
    kvsmedia_queue *queue = &source->queue;
    int index = earliest(queue);
    kvsmedia_queued taken = queue->items[index];
    av_packet_move_ref(out, taken.packet);
    *time_base = taken.time_base;
    /* Keep arrival order of the rest (a track's packets stay in order); the emptied packet moves last. */
    memmove(&queue->items[index], &queue->items[index + 1], (size_t)(queue->count - index - 1) * sizeof queue->items[0]);
    queue->items[queue->count - 1] = taken;
    queue->count--;
    return taken.track;
}
