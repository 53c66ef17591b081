namespace KvsProducer.Media;

/// <summary>Why a media source could not be opened or read; the exception's message says what to do.</summary>
public enum MediaErrorReason
{
    /// <summary>The URI is not one of the supported source forms, or one of its parameters is wrong.</summary>
    InvalidUri,

    /// <summary>No such file, camera device (<c>/dev/videoN</c>) or camera path.</summary>
    NotFound,

    /// <summary>The format, codec, pixel format or encoder is not supported here.</summary>
    UnsupportedFormat,

    /// <summary>The camera's host refused the connection or cannot be reached.</summary>
    Unreachable,

    /// <summary>The camera refused the user name and password (RTSP 401/403).</summary>
    Unauthorized,

    /// <summary>The local file or device node may not be read by this process.</summary>
    AccessDenied,

    /// <summary>The device is used by another process.</summary>
    DeviceBusy,

    /// <summary>The data does not parse: a damaged or truncated file, or not a media file.</summary>
    Corrupt,

    /// <summary>No data arrived within the configured timeout.</summary>
    Timeout,

    /// <summary>The native library (<c>libkvsmedia.so</c>) or FFmpeg could not be loaded.</summary>
    NativeLibraryMissing,

    /// <summary>Any other failure; the message carries FFmpeg's text.</summary>
    Other,
}
