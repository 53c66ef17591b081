namespace KvsProducer.Media.Internal;

/// <summary>kvsmedia.h <c>kvsmedia_status</c>.</summary>
internal enum NativeStatus
{
    Ok = 0,
    EndOfStream = 1,
    Error = -1,
    NotFound = -2,
    Unsupported = -3,
    Unreachable = -4,
    Unauthorized = -5,
    AccessDenied = -6,
    Corrupt = -7,
    Timeout = -8,
    Interrupted = -9,
    InvalidArgument = -10,
    OutOfMemory = -11,
    Busy = -12,
}
