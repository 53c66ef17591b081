namespace KvsProducer;

/// <summary>
/// Kinesis Video Streams events a fragment can request, as the official SDKs' <c>STREAM_EVENT_TYPE</c> bit flags
/// (PIC <c>client/Include.h</c>: IMAGE_GENERATION = 1, NOTIFICATION = 2). The service acts on them only when the
/// stream has an image generation / notification configuration.
/// </summary>
[Flags]
public enum StreamEventType
{
    /// <summary>No event.</summary>
    None = 0,

    /// <summary>Generate an image of the fragment and deliver it to the stream's S3 destination (MKV tag <c>AWS_KINESISVIDEO_IMAGE_GENERATION</c>).</summary>
    ImageGeneration = 1,

    /// <summary>Send a notification for the fragment to the stream's SNS topic (MKV tag <c>AWS_KINESISVIDEO_NOTIFICATION</c>).</summary>
    Notification = 2,
}
