namespace KvsProducer.Service;

/// <summary>What a user can do about an ERROR acknowledgement, for the ones with a cause on the producer's side.</summary>
/// <remarks>The ids and meanings are those of the PutMedia API reference ("ErrorId" in AckEvent).</remarks>
internal static class ErrorAckAdvice
{
    public static string For(int errorId) => errorId switch
    {
        4002 => " A fragment spans more than 10 s: the source sends key frames too rarely; set the encoder's key-frame interval.",
        4004 => " A fragment starts before the previous one ended: use closed GOPs and increasing timestamps.",
        4007 => " The fragment's timestamp is ahead of the service's clock: either the device clock is ahead (run NTP), or a file or test pattern is read faster than real time with wall-clock timestamps (let CopyToAsync pace it, set MediaSourceOptions.PaceToRealTime, or keep the source's own timestamps in Offline mode).",
        _ => string.Empty,
    };
}
