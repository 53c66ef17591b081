using System.Runtime.InteropServices;

namespace KvsProducer.Media.Internal;

/// <summary>
/// The C ABI of <c>libkvsmedia.so</c> (native/include/kvsmedia.h). Source-generated
/// <see cref="LibraryImportAttribute"/> only: AOT- and trim-safe, no runtime marshalling stubs.
/// </summary>
internal static unsafe partial class NativeMethods
{
    private const string Library = "kvsmedia";

    /// <summary>kvsmedia.h KVSMEDIA_ABI_VERSION this binding was written for.</summary>
    internal const int AbiVersion = 2;

    /// <summary>kvsmedia.h KVSMEDIA_NO_TIME.</summary>
    internal const long NoTime = long.MinValue;

    [LibraryImport(Library, EntryPoint = "kvsmedia_abi_version")]
    internal static partial int GetAbiVersion();

    [LibraryImport(Library, EntryPoint = "kvsmedia_set_log")]
    internal static partial void SetLog(delegate* unmanaged<int, byte*, void> callback, int minLevel);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_create")]
    internal static partial SourceHandle CreateSource();

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_set_option", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus SetOption(SourceHandle source, string key, string value);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_set_encode_option", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus SetEncodeOption(SourceHandle source, string key, string value);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_set_audio_option", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus SetAudioOption(SourceHandle source, string key, string value);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_set_timeouts")]
    internal static partial void SetTimeouts(SourceHandle source, long openTimeoutMicroseconds, long readTimeoutMicroseconds);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_open", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus Open(SourceHandle source, string url, string? inputFormat);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_track_info")]
    internal static partial NativeStatus GetTrackInfo(SourceHandle source, out NativeTrackInfo info);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_extradata")]
    internal static partial NativeStatus GetExtradata(SourceHandle source, out nint data, out int size);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_tracks")]
    internal static partial NativeStatus GetTracks(SourceHandle source, out int hasVideo, out int hasAudio);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_audio_info")]
    internal static partial NativeStatus GetAudioInfo(SourceHandle source, out NativeAudioInfo info);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_audio_extradata")]
    internal static partial NativeStatus GetAudioExtradata(SourceHandle source, out nint data, out int size);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_audio_encoder_name")]
    internal static partial nint GetAudioEncoderName(SourceHandle source);

    // A returned const char* is declared nint; a string return would free static memory.
    [LibraryImport(Library, EntryPoint = "kvsmedia_source_encoder_name")]
    internal static partial nint GetEncoderName(SourceHandle source);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_read")]
    internal static partial NativeStatus Read(SourceHandle source, out NativePacket packet);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_release")]
    internal static partial void Release(SourceHandle source);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_interrupt")]
    internal static partial void Interrupt(SourceHandle source);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_resume")]
    internal static partial void Resume(SourceHandle source);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_error")]
    internal static partial nint GetError(SourceHandle source);

    [LibraryImport(Library, EntryPoint = "kvsmedia_source_close")]
    internal static partial void Close(nint source);

    /// <summary>The last error text of <paramref name="source"/>.</summary>
    internal static string ErrorText(SourceHandle source) => Marshal.PtrToStringUTF8(GetError(source)) ?? string.Empty;
}
