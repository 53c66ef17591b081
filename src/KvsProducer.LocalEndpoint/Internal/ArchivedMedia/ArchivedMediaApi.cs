using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KvsProducer.LocalEndpoint.Internal.ControlPlane;
using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Storage;
using Microsoft.AspNetCore.Http;

namespace KvsProducer.LocalEndpoint.Internal.ArchivedMedia;

/// <summary>
/// The kinesis-video-archived-media operations beyond GetMedia/ListFragments:
/// GetHLSStreamingSessionURL, GetDASHStreamingSessionURL (POST, JSON) and GetClip (POST, MP4
/// body), plus the session resources the returned URLs name (GET /hls/v1/…, /dash/v1/…).
/// Fragments are remuxed from storage in managed code (<see cref="Mp4Writer"/>, <see cref="TsWriter"/>).
/// </summary>
internal sealed class ArchivedMediaApi
{
    // GetClip limits from the API reference: at most 200 fragments and 100 MB of media.
    private const int MaxClipFragments = 200;
    private const long MaxClipBytes = 100L * 1024 * 1024;

    private readonly ControlPlaneApi _api;
    private readonly TimeProvider _time;
    private readonly StreamingSessions _sessions;
    private readonly ImagesApi _images;

    public ArchivedMediaApi(ControlPlaneApi api, TimeProvider time)
    {
        _api = api;
        _time = time;
        _sessions = new StreamingSessions(time);
        _images = new ImagesApi(api);
    }

    public static bool Handles(string path) => path is "/getHLSStreamingSessionURL" or "/getDASHStreamingSessionURL" or "/getClip" or "/getImages";

    public static bool HandlesResource(string path) => path.StartsWith("/hls/v1/", StringComparison.Ordinal) || path.StartsWith("/dash/v1/", StringComparison.Ordinal);

    public async Task InvokeAsync(HttpContext context, string path, ReadOnlyMemory<byte> body)
    {
        switch (path)
        {
            case "/getHLSStreamingSessionURL":
                await WriteAsync(context, "application/json", Serialize(await CreateHlsSessionAsync(context.Request, Read(body, ArchivedMediaJsonContext.Default.GetHlsStreamingSessionUrlRequest), context.RequestAborted).ConfigureAwait(false), ArchivedMediaJsonContext.Default.GetHlsStreamingSessionUrlResponse)).ConfigureAwait(false);
                break;
            case "/getDASHStreamingSessionURL":
                await WriteAsync(context, "application/json", Serialize(await CreateDashSessionAsync(context.Request, Read(body, ArchivedMediaJsonContext.Default.GetDashStreamingSessionUrlRequest), context.RequestAborted).ConfigureAwait(false), ArchivedMediaJsonContext.Default.GetDashStreamingSessionUrlResponse)).ConfigureAwait(false);
                break;
            case "/getImages":
                GetImagesResponse images = await _images.GetImagesAsync(Read(body, ArchivedMediaJsonContext.Default.GetImagesRequest), context.RequestAborted).ConfigureAwait(false);
                await WriteAsync(context, "application/json", Serialize(images, ArchivedMediaJsonContext.Default.GetImagesResponse)).ConfigureAwait(false);
                break;
            default:
                await WriteAsync(context, "video/mp4", await ClipAsync(Read(body, ArchivedMediaJsonContext.Default.GetClipRequest), context.RequestAborted).ConfigureAwait(false)).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>GET /hls/v1/… and /dash/v1/…: playlists, manifest, init and media fragments of a session.</summary>
    public async Task ServeResourceAsync(HttpContext context, string path)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            throw ServiceError.UnknownOperation($"{context.Request.Method} {path}: streaming session resources are read with GET.");
        }

        IQueryCollection query = context.Request.Query;
        string token = query["SessionToken"].ToString();
        StreamingSession session = _sessions.Get(token);
        CancellationToken cancellationToken = context.RequestAborted;
        string resource = path[(path.LastIndexOf('/') + 1)..];
        bool hls = path.StartsWith("/hls/", StringComparison.Ordinal);
        context.Response.Headers.AccessControlAllowOrigin = "*";
        switch (resource)
        {
            case "getHLSMasterPlaylist.m3u8" when hls:
            {
                (List<FragmentRecord> fragments, _, _) = session.Select(session.Stream.Fragments.Snapshot());
                StoredFragment sample = await SampleAsync(session, fragments, cancellationToken).ConfigureAwait(false);
                await WriteAsync(context, "application/vnd.apple.mpegurl", Encoding.UTF8.GetBytes(HlsPlaylists.Master(token, sample.Track, sample.Audio, Bandwidth(fragments)))).ConfigureAwait(false);
                break;
            }

            case "getHLSMediaPlaylist.m3u8" when hls:
            {
                (List<FragmentRecord> fragments, int first, bool final) = session.Select(session.Stream.Fragments.Snapshot());
                string playlist = HlsPlaylists.Media(session, token, PlaylistEntries.Build(session, fragments), first, final);
                await WriteAsync(context, "application/vnd.apple.mpegurl", Encoding.UTF8.GetBytes(playlist)).ConfigureAwait(false);
                break;
            }

            case "getDASHManifest.mpd" when !hls:
            {
                (List<FragmentRecord> fragments, _, bool final) = session.Select(session.Stream.Fragments.Snapshot());
                StoredFragment sample = await SampleAsync(session, fragments, cancellationToken).ConfigureAwait(false);
                string manifest = DashManifest.Build(session, token, sample.Track, sample.Audio, PlaylistEntries.Build(session, fragments), Bandwidth(fragments), final, _time.GetUtcNow());
                await WriteAsync(context, "application/dash+xml", Encoding.UTF8.GetBytes(manifest)).ConfigureAwait(false);
                break;
            }

            case "getMP4InitFragment.mp4" when session.ContainerFormat == "FRAGMENTED_MP4":
            {
                FragmentRecord record = query.ContainsKey("FragmentNumber")
                    ? Find(session, query["FragmentNumber"].ToString())
                    : session.Select(session.Stream.Fragments.Snapshot()).Fragments.FirstOrDefault() ?? throw NoFragments();
                StoredFragment fragment = await StoredFragmentReader.ReadAsync(session.Stream.Fragments, record, cancellationToken).ConfigureAwait(false);
                // HLS fMP4 muxes both tracks; DASH lists video (TrackNumber=1) and audio (TrackNumber=2) apart.
                bool audioOnly = !hls && IsAudioTrackRequest(query);
                await WriteAsync(context, audioOnly ? "audio/mp4" : "video/mp4",
                    Mp4Writer.InitSegment(CheckedTrack(fragment), hls || audioOnly ? fragment.Audio : null, withVideo: !audioOnly)).ConfigureAwait(false);
                break;
            }

            case "getMP4MediaFragment.mp4" when session.ContainerFormat == "FRAGMENTED_MP4":
            {
                FragmentRecord record = Find(session, query["FragmentNumber"].ToString());
                StoredFragment fragment = await StoredFragmentReader.ReadAsync(session.Stream.Fragments, record, cancellationToken).ConfigureAwait(false);
                // mfhd sequence numbers increase along the stream (ISO/IEC 14496-12 §8.8.5): the fragment's position.
                uint sequence = (uint)Array.FindIndex(session.Stream.Fragments.Snapshot(), f => f.Number == record.Number) + 1;
                bool audioOnly = !hls && IsAudioTrackRequest(query);
                await WriteAsync(context, audioOnly ? "audio/mp4" : "video/mp4",
                    Mp4Writer.MediaSegment(fragment, Math.Max(1, sequence), withVideo: !audioOnly, withAudio: hls || audioOnly)).ConfigureAwait(false);
                break;
            }

            case "getTSFragment.ts" when hls && session.ContainerFormat == "MPEG_TS":
            {
                StoredFragment fragment = await StoredFragmentReader.ReadAsync(session.Stream.Fragments, Find(session, query["FragmentNumber"].ToString()), cancellationToken).ConfigureAwait(false);
                CheckedTrack(fragment);
                await WriteAsync(context, "video/mp2t", TsWriter.Segment(fragment)).ConfigureAwait(false);
                break;
            }

            default:
                throw ServiceError.ResourceNotFound($"'{resource}' is not a resource of this {(hls ? "HLS" : "DASH")} session ({session.ContainerFormat}): follow the URLs in the playlist or manifest.");
        }
    }

    private async Task<GetHlsStreamingSessionUrlResponse> CreateHlsSessionAsync(HttpRequest http, GetHlsStreamingSessionUrlRequest request, CancellationToken cancellationToken)
    {
        StoredStream stream = _api.Resolve(request.StreamName, request.StreamARN);
        string mode = SessionRequestRules.OneOf(request.PlaybackMode, "PlaybackMode", "LIVE", "LIVE", "LIVE_REPLAY", "ON_DEMAND");
        string container = SessionRequestRules.OneOf(request.ContainerFormat, "ContainerFormat", "FRAGMENTED_MP4", "FRAGMENTED_MP4", "MPEG_TS");
        string discontinuity = SessionRequestRules.OneOf(request.DiscontinuityMode, "DiscontinuityMode", "ALWAYS", "ALWAYS", "NEVER", "ON_DISCONTINUITY");
        string display = SessionRequestRules.OneOf(request.DisplayFragmentTimestamp, "DisplayFragmentTimestamp", "NEVER", "ALWAYS", "NEVER");
        int expires = SessionRequestRules.Expires(request.Expires);
        int max = SessionRequestRules.MaxResults(request.MaxMediaPlaylistFragmentResults, "MaxMediaPlaylistFragmentResults", mode);
        (string type, long? start, long? end) = SessionRequestRules.Range(request.HLSFragmentSelector, "HLSFragmentSelector", mode);
        SessionRequestRules.RequireRetention(stream);
        var session = new StreamingSession
        {
            Stream = stream,
            PlaybackMode = mode,
            SelectorType = type,
            StartMs = start,
            EndMs = end,
            ContainerFormat = container,
            DiscontinuityMode = discontinuity,
            DisplayFragmentTimestamp = display == "ALWAYS",
            MaxFragments = max,
            ExpiresAt = _time.GetUtcNow().AddSeconds(expires),
        };
        await RequirePlayableAsync(session, cancellationToken).ConfigureAwait(false);
        return new GetHlsStreamingSessionUrlResponse { HLSStreamingSessionURL = $"{BaseUrl(http)}/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken={_sessions.Add(session)}" };
    }

    /// <summary>A LIVE fMP4 session with the defaults, for the console's player.</summary>
    public async Task<string> LiveHlsUrlAsync(HttpRequest http, StoredStream stream, CancellationToken cancellationToken) =>
        (await CreateHlsSessionAsync(http, new GetHlsStreamingSessionUrlRequest { StreamName = stream.State.Name }, cancellationToken).ConfigureAwait(false)).HLSStreamingSessionURL;

    private async Task<GetDashStreamingSessionUrlResponse> CreateDashSessionAsync(HttpRequest http, GetDashStreamingSessionUrlRequest request, CancellationToken cancellationToken)
    {
        StoredStream stream = _api.Resolve(request.StreamName, request.StreamARN);
        string mode = SessionRequestRules.OneOf(request.PlaybackMode, "PlaybackMode", "LIVE", "LIVE", "LIVE_REPLAY", "ON_DEMAND");
        string display = SessionRequestRules.OneOf(request.DisplayFragmentTimestamp, "DisplayFragmentTimestamp", "NEVER", "ALWAYS", "NEVER");
        string number = SessionRequestRules.OneOf(request.DisplayFragmentNumber, "DisplayFragmentNumber", "NEVER", "ALWAYS", "NEVER");
        int expires = SessionRequestRules.Expires(request.Expires);
        int max = SessionRequestRules.MaxResults(request.MaxManifestFragmentResults, "MaxManifestFragmentResults", mode);
        (string type, long? start, long? end) = SessionRequestRules.Range(request.DASHFragmentSelector, "DASHFragmentSelector", mode);
        SessionRequestRules.RequireRetention(stream);
        var session = new StreamingSession
        {
            Stream = stream,
            PlaybackMode = mode,
            SelectorType = type,
            StartMs = start,
            EndMs = end,
            DiscontinuityMode = "NEVER",
            DisplayFragmentTimestamp = display == "ALWAYS",
            DisplayFragmentNumber = number == "ALWAYS",
            MaxFragments = max,
            ExpiresAt = _time.GetUtcNow().AddSeconds(expires),
        };
        await RequirePlayableAsync(session, cancellationToken).ConfigureAwait(false);
        return new GetDashStreamingSessionUrlResponse { DASHStreamingSessionURL = $"{BaseUrl(http)}/dash/v1/getDASHManifest.mpd?SessionToken={_sessions.Add(session)}" };
    }

    private async Task<byte[]> ClipAsync(GetClipRequest request, CancellationToken cancellationToken)
    {
        StoredStream stream = _api.Resolve(request.StreamName, request.StreamARN);
        if (request.ClipFragmentSelector is null)
        {
            throw RequestValidation.Missing("ClipFragmentSelector");
        }

        if (request.ClipFragmentSelector.FragmentSelectorType is null)
        {
            throw RequestValidation.Missing("ClipFragmentSelector.FragmentSelectorType");
        }

        (string type, long? start, long? end) = SessionRequestRules.Range(request.ClipFragmentSelector, "ClipFragmentSelector", "ON_DEMAND");
        SessionRequestRules.RequireRetention(stream);
        var session = new StreamingSession
        {
            Stream = stream,
            PlaybackMode = "ON_DEMAND",
            SelectorType = type,
            StartMs = start,
            EndMs = end,
            MaxFragments = int.MaxValue,
            ExpiresAt = _time.GetUtcNow(),
        };
        List<FragmentRecord> fragments = session.Select(stream.Fragments.Snapshot()).Fragments;
        if (fragments.Count == 0)
        {
            throw NoFragments();
        }

        if (fragments.Count > MaxClipFragments || fragments.Sum(f => f.SizeBytes) > MaxClipBytes)
        {
            throw ServiceError.InvalidArgument($"The requested range holds {fragments.Count} fragments ({fragments.Sum(f => f.SizeBytes)} bytes); a clip is limited to {MaxClipFragments} fragments and {MaxClipBytes} bytes: ask for a shorter range.");
        }

        using var clip = new MemoryStream();
        string? header = null;
        uint sequence = 1;
        foreach (FragmentRecord record in fragments)
        {
            StoredFragment fragment = await StoredFragmentReader.ReadAsync(stream.Fragments, record, cancellationToken).ConfigureAwait(false);
            if (header is null)
            {
                clip.Write(Mp4Writer.InitSegment(CheckedTrack(fragment), fragment.Audio));
                header = record.HeaderFile;
            }

            clip.Write(Mp4Writer.MediaSegment(fragment, sequence++));
        }

        return clip.ToArray();
    }

    // The service checks the media when the session is created: no fragment at all, or a track
    // that is not H.264 with codec private data, fails here rather than in the player.
    private static async Task RequirePlayableAsync(StreamingSession session, CancellationToken cancellationToken)
    {
        (List<FragmentRecord> fragments, _, _) = session.Select(session.Stream.Fragments.Snapshot());
        if (fragments.Count == 0 && session.PlaybackMode != "LIVE_REPLAY")
        {
            throw NoFragments();
        }

        if (fragments.Count > 0)
        {
            CheckedTrack(await StoredFragmentReader.ReadAsync(session.Stream.Fragments, fragments[^1], cancellationToken).ConfigureAwait(false));
        }
    }

    private static async Task<StoredFragment> SampleAsync(StreamingSession session, List<FragmentRecord> fragments, CancellationToken cancellationToken)
    {
        FragmentRecord record = fragments.Count > 0 ? fragments[0] : session.Stream.Fragments.Snapshot().LastOrDefault() ?? throw NoFragments();
        return await StoredFragmentReader.ReadAsync(session.Stream.Fragments, record, cancellationToken).ConfigureAwait(false);
    }

    private static bool IsAudioTrackRequest(IQueryCollection query) => query.TryGetValue("TrackNumber", out var track) && track.ToString() == "2";

    private static VideoTrack CheckedTrack(StoredFragment fragment)
    {
        VideoTrack track = fragment.Track;
        if (!track.IsH264)
        {
            throw ServiceError.UnsupportedStreamMediaType($"Track {track.Number} has codec '{track.CodecId}'; this endpoint remuxes H.264 (V_MPEG4/ISO/AVC) only.");
        }

        if (track.CodecPrivate.Length < 7)
        {
            throw ServiceError.MissingCodecPrivateData($"Track {track.Number} carries no AVCDecoderConfigurationRecord (CodecPrivate): send SPS/PPS in the track header.");
        }

        return track;
    }

    private static FragmentRecord Find(StreamingSession session, string number)
    {
        if (string.IsNullOrEmpty(number))
        {
            throw ServiceError.InvalidArgument("The FragmentNumber query parameter is missing: follow the URLs in the playlist.");
        }

        return Array.Find(session.Stream.Fragments.Snapshot(), f => f.Number == number)
            ?? throw ServiceError.ResourceNotFound($"Fragment {number} is not in stream '{session.Stream.State.Name}' (retention may have removed it).");
    }

    private static ServiceError NoFragments() => ServiceError.ResourceNotFound("No fragments found in the stream for the requested playback mode and timestamp range.");

    private static long Bandwidth(List<FragmentRecord> fragments)
    {
        long bytes = fragments.Sum(f => f.SizeBytes);
        long ms = fragments.Sum(f => Math.Max(1, f.DurationMs));
        return ms == 0 ? 1_000_000 : bytes * 8 * 1000 / ms;
    }

    // The URL points back at the host the client called, as the service's points at its data endpoint.
    private static string BaseUrl(HttpRequest request) => $"{request.Scheme}://{request.Host}";

    private static T Read<T>(ReadOnlyMemory<byte> body, JsonTypeInfo<T> type)
        where T : class => ControlPlaneApi.Read(body.IsEmpty ? "{}"u8 : body.Span, type);

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);

    private static async Task WriteAsync(HttpContext context, string contentType, byte[] body)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
