using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using KvsProducer.Media.Internal;
using KvsProducer.Sources;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvsProducer.Media;

/// <summary>
/// A video and/or audio source (camera, microphone, file or test pattern) opened through FFmpeg,
/// delivering H.264/H.265 frames (passed through when the source already is H.264/H.265, encoded
/// otherwise) and, when asked (<see cref="MediaSourceOptions.Audio"/>) or when the source has no video,
/// AAC or G.711 audio frames on their own track, interleaved by time (<see cref="Tracks"/>).
/// </summary>
/// <remarks>
/// Frames are zero-copy leases over FFmpeg's packet: a frame's <see cref="Frame.Data"/> is valid
/// until the next frame is requested (or the source is disposed). Hand it to the producer, which
/// copies it once, before moving on. One reader at a time.
/// </remarks>
public sealed class MediaSource : IFrameSource, IDisposable
{
    private static readonly Lock s_nativeCheck = new();
    private static bool s_nativeChecked;

    private readonly SourceSpec _spec;
    private readonly MediaSourceOptions _options;
    private readonly ILogger _logger;
    private readonly NativePacketMemory _lease = new();
    private readonly FrameClock _clock;
    private SourceHandle _handle;
    private int _reading;
    private int _disposed;

    private readonly TrackDefinition? _video;
    private readonly long _audioFrameTicks;

    private MediaSource(SourceSpec spec, MediaSourceOptions options, SourceHandle handle, TrackDefinition? video, AudioTrack? audio, string? encoderName, long nominalFrameTicks)
    {
        _spec = spec;
        _options = options;
        _handle = handle;
        _logger = options.LoggerFactory?.CreateLogger<MediaSource>() ?? NullLogger<MediaSource>.Instance;
        _clock = new FrameClock(nominalFrameTicks);
        _video = video;
        AudioTrack = audio?.Track;
        _audioFrameTicks = audio?.FrameTicks ?? 0;
        AudioEncoderName = audio?.EncoderName;
        Track = video ?? audio!.Track;
        Tracks = video is null ? [audio!.Track] : audio is null ? [video] : [video, audio.Track];
        EncoderName = encoderName;
        NominalFrameDuration = TimeSpan.FromTicks(nominalFrameTicks);
    }

    /// <summary>
    /// The video track (codec, codec private data from the source's extradata, NAL format, size), or
    /// the audio track of an audio-only source.
    /// </summary>
    public TrackDefinition Track { get; }

    /// <summary>The audio track (track 2 beside video, track 1 alone), or null when the source's audio is not read.</summary>
    public TrackDefinition? AudioTrack { get; }

    /// <summary>Every track the frames belong to: video first, then audio. Declare them all on the stream.</summary>
    public IReadOnlyList<TrackDefinition> Tracks { get; }

    /// <summary>The audio encoder in use (<c>aac</c>, <c>pcm_alaw</c>, <c>pcm_mulaw</c>), or null when audio passes through or is not read.</summary>
    public string? AudioEncoderName { get; }

    /// <summary>The source form.</summary>
    public SourceKind Kind => _spec.Kind;

    /// <summary>
    /// True for cameras (<c>v4l2:</c>, <c>rtsp://</c>), which deliver at their own pace, and for any source
    /// opened with <see cref="MediaSourceOptions.PaceToRealTime"/>; false for files and test patterns, which
    /// FFmpeg reads as fast as it can (<see cref="FrameSourceExtensions.CopyToAsync"/> paces those).
    /// </summary>
    public bool IsLive => _spec.IsLive || _options.PaceToRealTime;

    /// <summary>The URI as given, with any password replaced by ***.</summary>
    public string DisplayName => _spec.DisplayName;

    /// <summary>The H.264 encoder in use (<c>libx264</c>, <c>h264_v4l2m2m</c>), or null when frames pass through unchanged.</summary>
    public string? EncoderName { get; }

    /// <summary>One frame at the source's nominal rate; zero when the source does not say.</summary>
    public TimeSpan NominalFrameDuration { get; }

    /// <summary>How many times the source reconnected (RTSP).</summary>
    public int Reconnects { get; private set; }

    /// <summary>
    /// Opens a source: <c>testsrc:?size=WxH&amp;rate=N</c>, <c>v4l2:///dev/videoN?size=..&amp;rate=..&amp;format=h264|mjpeg|yuyv422</c>,
    /// <c>rtsp://user:pass@host/path?transport=tcp|udp</c>, <c>file:clip.mp4</c> (mp4, mkv, ts, raw .h264).
    /// Blocks until the source delivered its stream information (at most <see cref="MediaSourceOptions.OpenTimeout"/>).
    /// </summary>
    /// <exception cref="MediaSourceException">The source cannot be opened; <see cref="MediaSourceException.Reason"/> says why.</exception>
    public static MediaSource Open(string uri, MediaSourceOptions? options = null) => OpenCore(uri, options, CancellationToken.None);

    /// <summary>
    /// <see cref="Open"/> on the thread pool: cameras take a second or more to describe their
    /// stream. Cancelling interrupts the connection attempt.
    /// </summary>
    /// <exception cref="MediaSourceException">The source cannot be opened; <see cref="MediaSourceException.Reason"/> says why.</exception>
    public static Task<MediaSource> OpenAsync(string uri, MediaSourceOptions? options = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => OpenCore(uri, options, cancellationToken), cancellationToken);

    private static MediaSource OpenCore(string uri, MediaSourceOptions? options, CancellationToken cancellationToken)
    {
        options ??= MediaSourceOptions.Default;
        options.Validate();
        SourceSpec spec = MediaUri.Parse(uri, options);
        EnsureNativeLibrary();
        if (options.LoggerFactory is not null)
        {
            FfmpegLog.Route(options.LoggerFactory);
        }

        SourceHandle handle = OpenHandle(spec, options, cancellationToken);
        try
        {
            ThrowIfFailed(spec, options, handle, NativeMethods.GetTracks(handle, out int hasVideo, out int hasAudio));
            TrackDefinition? track = null;
            string? encoder = null;
            long frameTicks = 0;
            if (hasVideo != 0)
            {
                ThrowIfFailed(spec, options, handle, NativeMethods.GetTrackInfo(handle, out NativeTrackInfo info));
                ThrowIfFailed(spec, options, handle, NativeMethods.GetExtradata(handle, out nint extradata, out int extradataSize));
                byte[] codecPrivate = extradataSize > 0 ? new byte[extradataSize] : [];
                Marshal.Copy(extradata, codecPrivate, 0, extradataSize);
                track = new TrackDefinition
                {
                    Codec = info.Codec == 1 ? VideoCodec.H265 : VideoCodec.H264,
                    CodecPrivateData = codecPrivate,
                    NalUnitFormat = info.LengthPrefixed != 0 ? NalUnitFormat.LengthPrefixed : NalUnitFormat.AnnexB,
                    Width = info.Width,
                    Height = info.Height,
                };
                encoder = info.Encoded != 0 ? Marshal.PtrToStringUTF8(NativeMethods.GetEncoderName(handle)) : null;
                frameTicks = info.RateNumerator > 0 && info.RateDenominator > 0
                    ? TimeSpan.TicksPerSecond * info.RateDenominator / info.RateNumerator
                    : 0;
            }

            AudioTrack? audio = null;
            if (hasAudio != 0)
            {
                audio = Internal.AudioTrack.Read(handle, trackNumber: hasVideo != 0 ? 2 : 1, status => ThrowIfFailed(spec, options, handle, status));
            }

            var source = new MediaSource(spec, options, handle, track, audio, encoder, frameTicks);
            if (track is not null)
            {
                MediaLog.Opened(source._logger, spec.DisplayName, track.Codec, track.Width, track.Height, encoder is null ? "passthrough" : "encoded with " + encoder);
            }

            if (audio is not null)
            {
                MediaLog.OpenedAudio(source._logger, spec.DisplayName, audio.Track.AudioCodec, audio.Track.SamplingRate, audio.Track.Channels, audio.EncoderName is null ? "passthrough" : "encoded with " + audio.EncoderName);
            }

            return source;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Reads frames until the source ends (files, test patterns never end), the token is cancelled,
    /// or the source fails for good. Each frame is a lease valid until the next one is requested.
    /// RTSP cameras that drop are reconnected with backoff; their frames continue with increasing
    /// timestamps, the first after a reconnect being a key frame.
    /// </summary>
    /// <exception cref="MediaSourceException">The source failed and could not be reconnected.</exception>
    /// <exception cref="InvalidOperationException">Another reader is already reading this source.</exception>
    public async IAsyncEnumerable<Frame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException($"{DisplayName} is already being read: a source has one reader at a time.");
        }

        // A previous reader may have been cancelled: its interrupt must not end this one.
        NativeMethods.Resume(_handle);

        // Blocking native reads wake up on cancellation: the registration interrupts them.
        using CancellationTokenRegistration registration = cancellationToken.UnsafeRegister(static state => ((MediaSource)state!).Interrupt(), this);
        TimeProvider time = _options.TimeProvider;
        long pacingStart = 0;
        long lastFrameTimestamp = 0;
        bool awaitingKeyFrame = _spec.IsLive && _video is not null;
        long lastVideoKeyPts = -1;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                NativeStatus status = NativeMethods.Read(_handle, out NativePacket packet);
                if (status == NativeStatus.Ok)
                {
                    bool audio = (packet.Flags & NativePacket.AudioFlag) != 0;
                    bool key = audio || (packet.Flags & NativePacket.KeyFlag) != 0;
                    if (awaitingKeyFrame && (audio || !key))
                    {
                        continue; // a live source joined mid-GOP: nothing decodes before the next key frame, and audio waits with it
                    }

                    awaitingKeyFrame = false;
                    (long pts, long dts, long duration) = audio ? _clock.Map(packet, 1, _audioFrameTicks) : _clock.Map(packet);
                    if (audio && (dts < 0 || pts < lastVideoKeyPts))
                    {
                        // Audio from before the key frame that started the current fragment would overlap
                        // the previous fragment (ErrorId 4004); it is before the video anyway.
                        MediaLog.AudioFrameSkipped(_logger, DisplayName, TimeSpan.FromTicks(pts));
                        continue;
                    }

                    if (!audio && key)
                    {
                        lastVideoKeyPts = pts;
                    }

                    if (_options.PaceToRealTime)
                    {
                        if (pacingStart == 0)
                        {
                            pacingStart = time.GetTimestamp() - TimeSpan.FromTicks(dts).Ticks * time.TimestampFrequency / TimeSpan.TicksPerSecond;
                        }

                        TimeSpan wait = TimeSpan.FromTicks(dts) - time.GetElapsedTime(pacingStart);
                        if (wait > TimeSpan.Zero)
                        {
                            await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                        }
                    }

                    lastFrameTimestamp = time.GetTimestamp();
                    _lease.Lend(packet.Data, packet.Size);
                    yield return new Frame(
                        _lease.Memory,
                        TimeSpan.FromTicks(pts),
                        TimeSpan.FromTicks(dts),
                        TimeSpan.FromTicks(duration),
                        key ? FrameFlags.KeyFrame : FrameFlags.None,
                        audio ? AudioTrack!.TrackNumber : Track.TrackNumber);
                    _lease.Revoke();
                    continue;
                }

                cancellationToken.ThrowIfCancellationRequested();
                if (status == NativeStatus.EndOfStream && _spec.Kind != SourceKind.Rtsp)
                {
                    yield break;
                }

                string error = NativeMethods.ErrorText(_handle);
                if (_spec.Kind != SourceKind.Rtsp || !_options.Reconnect || !IsWorthReconnecting(status))
                {
                    throw MediaErrors.Create(_spec, status, error, _options);
                }

                await ReconnectAsync(status, error, cancellationToken).ConfigureAwait(false);
                TimeSpan outage = lastFrameTimestamp == 0 ? TimeSpan.Zero : time.GetElapsedTime(lastFrameTimestamp);
                _clock.StartSession(outage);
                MediaLog.Reconnected(_logger, DisplayName, Reconnects, TimeSpan.FromTicks(_clock.EndTicks));
                awaitingKeyFrame = true;
            }
        }
        finally
        {
            _lease.Revoke();
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>Makes a blocked read return; the reader then ends with <see cref="OperationCanceledException"/> if its token was cancelled.</summary>
    private void Interrupt()
    {
        SourceHandle handle = _handle;
        if (!handle.IsClosed)
        {
            NativeMethods.Interrupt(handle);
        }
    }

    // Credentials, formats and bad parameters do not fix themselves; a restarting or flaky camera does.
    private static bool IsWorthReconnecting(NativeStatus status) => status is NativeStatus.EndOfStream
        or NativeStatus.Unreachable or NativeStatus.Timeout or NativeStatus.Error or NativeStatus.Corrupt or NativeStatus.NotFound;

    private async ValueTask ReconnectAsync(NativeStatus status, string error, CancellationToken cancellationToken)
    {
        TimeProvider time = _options.TimeProvider;
        for (int attempt = 1; ; attempt++)
        {
            if (_options.MaxReconnectAttempts > 0 && attempt > _options.MaxReconnectAttempts)
            {
                throw MediaErrors.Create(_spec, status, error, _options);
            }

            TimeSpan delay = ReconnectDelay(attempt);
            MediaLog.Reconnecting(_logger, DisplayName, MediaErrors.Create(_spec, status, error, _options).Reason, error, delay, attempt);
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }

            try
            {
                SourceHandle fresh = OpenHandle(_spec, _options, cancellationToken);
                SourceHandle old = Interlocked.Exchange(ref _handle, fresh);
                old.Dispose();
                Reconnects++;
                return;
            }
            catch (MediaSourceException e) when (e.Reason is MediaErrorReason.Unreachable or MediaErrorReason.Timeout
                or MediaErrorReason.NotFound or MediaErrorReason.Corrupt or MediaErrorReason.Other)
            {
                cancellationToken.ThrowIfCancellationRequested();
                status = e.Reason switch
                {
                    MediaErrorReason.Unreachable => NativeStatus.Unreachable,
                    MediaErrorReason.Timeout => NativeStatus.Timeout,
                    MediaErrorReason.NotFound => NativeStatus.NotFound,
                    MediaErrorReason.Corrupt => NativeStatus.Corrupt,
                    _ => NativeStatus.Error,
                };
                error = e.Message;
            }
        }
    }

    private TimeSpan ReconnectDelay(int attempt) =>
#pragma warning disable CA5394 // Jitter spreads reconnect storms; it is not security.
        ReconnectBackoff.Delay(attempt, _options.ReconnectDelay, _options.MaxReconnectDelay, Random.Shared.NextDouble());
#pragma warning restore CA5394

    private static SourceHandle OpenHandle(SourceSpec spec, MediaSourceOptions options, CancellationToken cancellationToken)
    {
        if (spec.Kind == SourceKind.V4l2 && !File.Exists(spec.LocalPath))
        {
            throw MediaErrors.MissingDevice(spec);
        }

        if (spec.Kind == SourceKind.File && !File.Exists(spec.LocalPath))
        {
            throw MediaErrors.Create(spec, NativeStatus.NotFound, string.Empty, options);
        }

        SourceHandle handle = NativeMethods.CreateSource();
        if (handle.IsInvalid)
        {
            throw new InsufficientMemoryException("kvsmedia_source_create returned no source: the native allocation failed (the device is out of memory).");
        }

        try
        {
            foreach ((string key, string value) in spec.Options)
            {
                ThrowIfFailed(spec, options, handle, NativeMethods.SetOption(handle, key, value));
            }

            SetEncodeOptions(spec, options, handle);
            SetAudioOptions(spec, options, handle);
            long readTimeout = spec.IsLive ? (long)options.ReadTimeout.TotalMicroseconds : 0;
            NativeMethods.SetTimeouts(handle, (long)options.OpenTimeout.TotalMicroseconds, readTimeout);
            using (cancellationToken.UnsafeRegister(static state => NativeMethods.Interrupt((SourceHandle)state!), handle))
            {
                NativeStatus status = NativeMethods.Open(handle, spec.Url, spec.InputFormat);
                cancellationToken.ThrowIfCancellationRequested();
                ThrowIfFailed(spec, options, handle, status);
            }

            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static void SetEncodeOptions(SourceSpec spec, MediaSourceOptions options, SourceHandle handle)
    {
        string encoder = options.Encoder switch
        {
            H264Encoder.Libx264 => "libx264",
            H264Encoder.V4l2m2m => "h264_v4l2m2m",
            _ => "auto",
        };
        ThrowIfFailed(spec, options, handle, NativeMethods.SetEncodeOption(handle, "encoder", encoder));
        ThrowIfFailed(spec, options, handle, NativeMethods.SetEncodeOption(handle, "preset", options.Preset));
        ThrowIfFailed(spec, options, handle, NativeMethods.SetEncodeOption(handle, "crf", options.Crf.ToString(CultureInfo.InvariantCulture)));
        ThrowIfFailed(spec, options, handle, NativeMethods.SetEncodeOption(handle, "bitrate", options.Bitrate.ToString(CultureInfo.InvariantCulture)));
        ThrowIfFailed(spec, options, handle, NativeMethods.SetEncodeOption(handle, "threads", options.EncoderThreads.ToString(CultureInfo.InvariantCulture)));
        ThrowIfFailed(spec, options, handle, NativeMethods.SetEncodeOption(handle, "bframes", options.BFrames.ToString(CultureInfo.InvariantCulture)));
        // The GOP in frames is computed natively from the source's rate: pass the interval in ms.
        ThrowIfFailed(spec, options, handle, NativeMethods.SetEncodeOption(handle, "gop_ms", ((long)options.KeyFrameInterval.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)));
    }

    private static void SetAudioOptions(SourceSpec spec, MediaSourceOptions options, SourceHandle handle)
    {
        string codec = spec.AudioCodec ?? options.Audio switch
        {
            SourceAudio.Auto => "auto",
            SourceAudio.Aac => "aac",
            SourceAudio.ALaw => "alaw",
            SourceAudio.MuLaw => "mulaw",
            _ => "off",
        };
        ThrowIfFailed(spec, options, handle, NativeMethods.SetAudioOption(handle, "codec", codec));
        ThrowIfFailed(spec, options, handle, NativeMethods.SetAudioOption(handle, "video", options.AudioOnly ? "off" : "on"));
        // alsa: captures at the URI's rate and channels (demuxer options) and encodes at them.
        if (spec.Kind != SourceKind.Alsa)
        {
            ThrowIfFailed(spec, options, handle, NativeMethods.SetAudioOption(handle, "sample_rate", options.AudioSampleRate.ToString(CultureInfo.InvariantCulture)));
            ThrowIfFailed(spec, options, handle, NativeMethods.SetAudioOption(handle, "channels", options.AudioChannels.ToString(CultureInfo.InvariantCulture)));
        }

        ThrowIfFailed(spec, options, handle, NativeMethods.SetAudioOption(handle, "bitrate", options.AudioBitrate.ToString(CultureInfo.InvariantCulture)));
    }

    private static void ThrowIfFailed(SourceSpec spec, MediaSourceOptions options, SourceHandle handle, NativeStatus status)
    {
        if (status != NativeStatus.Ok)
        {
            throw MediaErrors.Create(spec, status, NativeMethods.ErrorText(handle), options);
        }
    }

    private static void EnsureNativeLibrary()
    {
        lock (s_nativeCheck)
        {
            if (s_nativeChecked)
            {
                return;
            }

            NativeLibraryLocator.Register();
            int version;
            try
            {
                version = NativeMethods.GetAbiVersion();
                // Until a logger asks for them, FFmpeg's messages (x264's statistics on close) stay quiet.
                FfmpegLog.Route(null);
            }
            catch (DllNotFoundException e)
            {
                // The locator's account names the sonames looked for and found, and the apt command for this system.
                throw new MediaSourceException(MediaErrorReason.NativeLibraryMissing,
                    (NativeLibraryLocator.Failure ?? "libkvsmedia.so or the FFmpeg libraries it needs could not be loaded.") +
                    "\nKeep the libkvsmedia*.so files next to the application or in runtimes/<rid>/native.", e);
            }

            if (version != NativeMethods.AbiVersion)
            {
                throw new MediaSourceException(MediaErrorReason.NativeLibraryMissing,
                    $"libkvsmedia.so speaks ABI version {version}, this KvsProducer.Media expects {NativeMethods.AbiVersion}: deploy the library built with this package.");
            }

            s_nativeChecked = true;
        }
    }

    /// <summary>Closes the source; a read in progress returns first.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Interrupt();
        _handle.Dispose();
        ((IDisposable)_lease).Dispose();
    }

    /// <inheritdoc cref="Dispose"/>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
