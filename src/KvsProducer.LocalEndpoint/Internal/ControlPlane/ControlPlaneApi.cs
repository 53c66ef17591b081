using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KvsProducer.LocalEndpoint.Internal.Json;
using KvsProducer.LocalEndpoint.Internal.Storage;

namespace KvsProducer.LocalEndpoint.Internal.ControlPlane;

/// <summary>
/// The kinesisvideo control-plane operations: JSON in, JSON out, errors
/// as <see cref="ServiceError"/>. Transport, authentication and faults are the caller's.
/// </summary>
internal sealed class ControlPlaneApi
{
    private static readonly HashSet<string> ApiNames = new(StringComparer.Ordinal)
    {
        "PUT_MEDIA", "GET_MEDIA", "LIST_FRAGMENTS", "GET_MEDIA_FOR_FRAGMENT_LIST", "GET_HLS_STREAMING_SESSION_URL",
        "GET_DASH_STREAMING_SESSION_URL", "GET_CLIP", "GET_IMAGES",
    };

    private static readonly byte[] EmptyObject = "{}"u8.ToArray();

    private readonly StreamRegistry _registry;
    private readonly LocalKvsOptions _options;
    private readonly Func<string> _dataEndpoint;

    // Streams deleted less than StreamDeletionDelay ago: DescribeStream reports them DELETING.
    private readonly Dictionary<string, (StreamInfo Info, double DeletedAt)> _deleting = new(StringComparer.Ordinal);

    public ControlPlaneApi(StreamRegistry registry, LocalKvsOptions options, Func<string> dataEndpoint)
    {
        _registry = registry;
        _options = options;
        _dataEndpoint = dataEndpoint;
    }

    /// <summary>Operation paths this class answers.</summary>
    public static bool Handles(string path) => path is "/createStream" or "/describeStream" or "/getDataEndpoint"
        or "/listStreams" or "/deleteStream" or "/tagStream" or "/untagStream" or "/listTagsForStream"
        or "/updateDataRetention" or "/updateStream";

    public byte[] Invoke(string path, ReadOnlySpan<byte> body)
    {
        ReadOnlySpan<byte> json = body.IsEmpty ? EmptyObject : body;
        return path switch
        {
            "/createStream" => Serialize(CreateStream(Read(json, LocalKvsJsonContext.Default.CreateStreamRequest)), LocalKvsJsonContext.Default.CreateStreamResponse),
            "/describeStream" => Serialize(new DescribeStreamResponse { StreamInfo = Describe(Read(json, LocalKvsJsonContext.Default.StreamSelector)) }, LocalKvsJsonContext.Default.DescribeStreamResponse),
            "/getDataEndpoint" => Serialize(GetDataEndpoint(Read(json, LocalKvsJsonContext.Default.GetDataEndpointRequest)), LocalKvsJsonContext.Default.GetDataEndpointResponse),
            "/listStreams" => Serialize(ListStreams(Read(json, LocalKvsJsonContext.Default.ListStreamsRequest)), LocalKvsJsonContext.Default.ListStreamsResponse),
            "/deleteStream" => DeleteStream(Read(json, LocalKvsJsonContext.Default.DeleteStreamRequest)),
            "/tagStream" => TagStream(Read(json, LocalKvsJsonContext.Default.TagStreamRequest)),
            "/untagStream" => UntagStream(Read(json, LocalKvsJsonContext.Default.UntagStreamRequest)),
            "/listTagsForStream" => Serialize(ListTags(Read(json, LocalKvsJsonContext.Default.ListTagsForStreamRequest)), LocalKvsJsonContext.Default.ListTagsForStreamResponse),
            "/updateDataRetention" => UpdateDataRetention(Read(json, LocalKvsJsonContext.Default.UpdateDataRetentionRequest)),
            "/updateStream" => UpdateStream(Read(json, LocalKvsJsonContext.Default.UpdateStreamRequest)),
            _ => throw ServiceError.UnknownOperation($"No operation at '{path}'."),
        };
    }

    /// <summary>Finds the stream named by StreamName and/or StreamARN (one of them suffices).</summary>
    public StoredStream Resolve(string? name, string? arn)
    {
        RequestValidation.StreamName(name);
        RequestValidation.Arn(arn);
        if (name is null && arn is null)
        {
            throw ServiceError.InvalidArgument("Either StreamName or StreamARN must be specified.");
        }

        StoredStream? stream = name is not null ? _registry.FindByName(name) : _registry.FindByArn(arn!);
        if (stream is null || stream.Deleted || (name is not null && arn is not null && !string.Equals(stream.State.Arn, arn, StringComparison.Ordinal)))
        {
            throw ServiceError.ResourceNotFound("The requested stream is not found or not active.");
        }

        return stream;
    }

    /// <summary>Status: CREATING until <see cref="LocalKvsOptions.StreamCreationDelay"/> has passed.</summary>
    public bool IsActive(StoredStream stream) => Info(stream).Status == "ACTIVE";

    public StreamInfo Info(StoredStream stream)
    {
        StreamInfo info = _registry.Read(stream.ToStreamInfo);
        if (info.Status == "ACTIVE" && _options.StreamCreationDelay > TimeSpan.Zero)
        {
            double now = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
            if (now < info.CreationTime + _options.StreamCreationDelay.TotalSeconds)
            {
                return new StreamInfo
                {
                    DeviceName = info.DeviceName, StreamName = info.StreamName, StreamARN = info.StreamARN, MediaType = info.MediaType,
                    KmsKeyId = info.KmsKeyId, Version = info.Version, Status = "CREATING", CreationTime = info.CreationTime,
                    DataRetentionInHours = info.DataRetentionInHours,
                };
            }
        }

        return info;
    }

    private StoredStream Resolve(StreamSelector selector) => Resolve(selector.StreamName, selector.StreamARN);

    private StreamInfo Describe(StreamSelector selector)
    {
        try
        {
            return Info(Resolve(selector));
        }
        catch (ServiceError e) when (e.Status == 404 && Deleting(selector.StreamName, selector.StreamARN) is { } deleting)
        {
            return deleting;
        }
    }

    /// <summary>DescribeStream's Status (StreamInfo): a stream deleted less than <see cref="LocalKvsOptions.StreamDeletionDelay"/> ago is DELETING.</summary>
    private StreamInfo? Deleting(string? name, string? arn)
    {
        double now = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        lock (_deleting)
        {
            foreach (string key in _deleting.Where(d => d.Value.DeletedAt <= now - _options.StreamDeletionDelay.TotalSeconds).Select(d => d.Key).ToList())
            {
                _deleting.Remove(key);
            }

            return _deleting.Values.Select(d => d.Info).FirstOrDefault(i => (name is null || i.StreamName == name) && (arn is null || i.StreamARN == arn));
        }
    }

    private CreateStreamResponse CreateStream(CreateStreamRequest request)
    {
        if (request.StreamName is null)
        {
            throw RequestValidation.Missing("StreamName");
        }

        RequestValidation.StreamName(request.StreamName);
        RequestValidation.DeviceName(request.DeviceName);
        RequestValidation.MediaType(request.MediaType);
        RequestValidation.KmsKeyId(request.KmsKeyId);
        if (request.DataRetentionInHours is < 0)
        {
            throw ServiceError.InvalidArgument($"1 validation error detected: Value '{request.DataRetentionInHours}' at 'DataRetentionInHours' failed to satisfy constraint: Member must have value greater than or equal to 0 (0 keeps no data).");
        }

        if (request.Tags is { Count: > RequestValidation.MaxTagsPerStream })
        {
            throw ServiceError.TagsPerResourceExceededLimit($"A stream can have at most {RequestValidation.MaxTagsPerStream} tags; the request has {request.Tags.Count}.");
        }

        RequestValidation.Tags(request.Tags, required: false);
        string? tier = request.StreamStorageConfiguration?.DefaultStorageTier;
        if (tier is not null and not "HOT" and not "WARM")
        {
            throw RequestValidation.Invalid(tier, "StreamStorageConfiguration.DefaultStorageTier", "Member must satisfy enum value set: [HOT, WARM]", "use HOT or WARM");
        }

        if (Deleting(request.StreamName, null) is not null)
        {
            throw ServiceError.ResourceInUse($"The stream '{request.StreamName}' is being deleted (DELETING): create it again in a moment.");
        }

        if (_registry.Count >= _options.MaxStreams)
        {
            throw ServiceError.AccountStreamLimitExceeded($"The account already has {_options.MaxStreams} streams: delete one first.");
        }

        DateTimeOffset now = _options.TimeProvider.GetUtcNow();
        long creationMs = now.ToUnixTimeMilliseconds();
        var state = new StreamState
        {
            Name = request.StreamName,
            Arn = string.Create(CultureInfo.InvariantCulture, $"arn:aws:kinesisvideo:{_options.Region}:{_options.AccountId}:stream/{request.StreamName}/{creationMs}"),
            DeviceName = request.DeviceName,
            MediaType = request.MediaType,
            KmsKeyId = request.KmsKeyId ?? string.Create(CultureInfo.InvariantCulture, $"arn:aws:kms:{_options.Region}:{_options.AccountId}:alias/aws/kinesisvideo"),
            Version = NewVersion(),
            Status = "ACTIVE",
            CreationTime = creationMs / 1000.0,
            DataRetentionInHours = request.DataRetentionInHours ?? 0,
            Tags = request.Tags is null ? new(StringComparer.Ordinal) : new(request.Tags, StringComparer.Ordinal),
            StorageTier = tier,
            Folder = _registry.NewFolderName(request.StreamName),
        };

        StoredStream stream = _registry.TryAdd(state)
            ?? throw ServiceError.ResourceInUse($"The stream '{request.StreamName}' already exists: use DescribeStream, or choose another name.");
        return new CreateStreamResponse { StreamARN = stream.State.Arn };
    }

    private GetDataEndpointResponse GetDataEndpoint(GetDataEndpointRequest request)
    {
        if (request.APIName is null)
        {
            throw RequestValidation.Missing("APIName");
        }

        if (!ApiNames.Contains(request.APIName))
        {
            throw RequestValidation.Invalid(request.APIName, "APIName", "Member must satisfy enum value set: [" + string.Join(", ", ApiNames) + "]", "use PUT_MEDIA for uploads");
        }

        _ = Resolve(request.StreamName, request.StreamARN);
        return new GetDataEndpointResponse { DataEndpoint = _dataEndpoint() };
    }

    private ListStreamsResponse ListStreams(ListStreamsRequest request)
    {
        long max = request.MaxResults ?? 10_000;
        if (max is < 1 or > 10_000)
        {
            throw ServiceError.InvalidArgument($"1 validation error detected: Value '{max}' at 'MaxResults' failed to satisfy constraint: Member must have value between 1 and 10000.");
        }

        RequestValidation.NextToken(request.NextToken, 512);
        string? prefix = null;
        if (request.StreamNameCondition is { } condition)
        {
            if (condition.ComparisonOperator is not null and not "BEGINS_WITH")
            {
                throw RequestValidation.Invalid(condition.ComparisonOperator, "StreamNameCondition.ComparisonOperator", "Member must satisfy enum value set: [BEGINS_WITH]", "use BEGINS_WITH");
            }

            prefix = condition.ComparisonValue;
            if (prefix is not null)
            {
                RequestValidation.StreamName(prefix, "StreamNameCondition.ComparisonValue");
            }
        }

        string? after = DecodeToken(request.NextToken);
        var page = new List<StreamInfo>();
        string? next = null;
        foreach (StoredStream stream in _registry.ListSorted())
        {
            string name = stream.State.Name;
            if ((after is not null && string.CompareOrdinal(name, after) <= 0) || (prefix is not null && !name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }

            if (page.Count == max)
            {
                next = EncodeToken(page[^1].StreamName);
                break;
            }

            page.Add(Info(stream));
        }

        return new ListStreamsResponse { StreamInfoList = page, NextToken = next };
    }

    private byte[] DeleteStream(DeleteStreamRequest request)
    {
        if (request.StreamARN is null)
        {
            throw RequestValidation.Missing("StreamARN");
        }

        if (request.CurrentVersion is not null)
        {
            RequestValidation.Version(request.CurrentVersion);
        }

        StoredStream stream = Resolve(null, request.StreamARN);
        StreamInfo info = Info(stream);
        _registry.Remove(stream, request.CurrentVersion);
        stream.Live.Clear();
        if (_options.StreamDeletionDelay > TimeSpan.Zero)
        {
            lock (_deleting)
            {
                var deleting = new StreamInfo
                {
                    DeviceName = info.DeviceName, StreamName = info.StreamName, StreamARN = info.StreamARN, MediaType = info.MediaType,
                    KmsKeyId = info.KmsKeyId, Version = info.Version, Status = "DELETING", CreationTime = info.CreationTime,
                    DataRetentionInHours = info.DataRetentionInHours,
                };
                _deleting[info.StreamARN!] = (deleting, _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0);
            }
        }

        return EmptyObject;
    }

    private byte[] TagStream(TagStreamRequest request)
    {
        if (request.Tags is { Count: > RequestValidation.MaxTagsPerStream })
        {
            throw ServiceError.TagsPerResourceExceededLimit($"A stream can have at most {RequestValidation.MaxTagsPerStream} tags; the request has {request.Tags.Count}.");
        }

        RequestValidation.Tags(request.Tags, required: true);
        StoredStream stream = Resolve(request.StreamName, request.StreamARN);
        _registry.Update(stream, state =>
        {
            int total = state.Tags.Count + request.Tags!.Keys.Count(k => !state.Tags.ContainsKey(k));
            if (total > RequestValidation.MaxTagsPerStream)
            {
                throw ServiceError.TagsPerResourceExceededLimit($"The stream would have {total} tags; at most {RequestValidation.MaxTagsPerStream} are allowed: untag some first.");
            }

            foreach ((string key, string value) in request.Tags!)
            {
                state.Tags[key] = value;
            }
        });
        return EmptyObject;
    }

    private byte[] UntagStream(UntagStreamRequest request)
    {
        if (request.TagKeyList is null)
        {
            throw RequestValidation.Missing("TagKeyList");
        }

        if (request.TagKeyList.Count is < 1 or > RequestValidation.MaxTagsPerStream)
        {
            throw ServiceError.InvalidArgument($"1 validation error detected: Value at 'TagKeyList' failed to satisfy constraint: Member must have length between 1 and {RequestValidation.MaxTagsPerStream} (got {request.TagKeyList.Count}).");
        }

        foreach (string key in request.TagKeyList)
        {
            RequestValidation.TagKey(key ?? throw RequestValidation.Missing("TagKeyList.member"));
        }

        StoredStream stream = Resolve(request.StreamName, request.StreamARN);
        _registry.Update(stream, state =>
        {
            foreach (string key in request.TagKeyList)
            {
                state.Tags.Remove(key);
            }
        });
        return EmptyObject;
    }

    private ListTagsForStreamResponse ListTags(ListTagsForStreamRequest request)
    {
        RequestValidation.NextToken(request.NextToken, 512);
        StoredStream stream = Resolve(request.StreamName, request.StreamARN);
        Dictionary<string, string> tags = _registry.Read(() => new Dictionary<string, string>(stream.State.Tags, StringComparer.Ordinal));

        // At most 50 tags: they always fit one page, so no NextToken is ever returned.
        return new ListTagsForStreamResponse { Tags = tags };
    }

    private byte[] UpdateDataRetention(UpdateDataRetentionRequest request)
    {
        RequestValidation.Version(request.CurrentVersion);
        if (request.Operation is null)
        {
            throw RequestValidation.Missing("Operation");
        }

        if (request.Operation is not "INCREASE_DATA_RETENTION" and not "DECREASE_DATA_RETENTION")
        {
            throw RequestValidation.Invalid(request.Operation, "Operation", "Member must satisfy enum value set: [INCREASE_DATA_RETENTION, DECREASE_DATA_RETENTION]", "use INCREASE_DATA_RETENTION or DECREASE_DATA_RETENTION");
        }

        if (request.DataRetentionChangeInHours is null)
        {
            throw RequestValidation.Missing("DataRetentionChangeInHours");
        }

        if (request.DataRetentionChangeInHours < 1)
        {
            throw ServiceError.InvalidArgument($"1 validation error detected: Value '{request.DataRetentionChangeInHours}' at 'DataRetentionChangeInHours' failed to satisfy constraint: Member must have value greater than or equal to 1.");
        }

        StoredStream stream = Resolve(request.StreamName, request.StreamARN);
        _registry.Update(stream, state =>
        {
            CheckVersion(state, request.CurrentVersion!);
            int change = request.DataRetentionChangeInHours.Value;
            int updated = request.Operation == "INCREASE_DATA_RETENTION" ? state.DataRetentionInHours + change : state.DataRetentionInHours - change;
            if (updated < 0)
            {
                throw ServiceError.InvalidArgument($"Decreasing the retention of {state.DataRetentionInHours} hours by {change} would make it negative: decrease by at most {state.DataRetentionInHours}.");
            }

            state.DataRetentionInHours = updated;
            state.Version = NewVersion();
        });

        // Applied at once, not at the next PutMedia (issue 10): fragments now outside retention go;
        // with retention 0 nothing archived is kept [inferred: the model says 0 keeps no data].
        int hours = _registry.Read(() => stream.State.DataRetentionInHours);
        long nowMs = _options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        stream.Fragments.PruneOlderThan(hours == 0 ? long.MaxValue : nowMs - (hours * 3_600_000L));
        return EmptyObject;
    }

    private byte[] UpdateStream(UpdateStreamRequest request)
    {
        RequestValidation.Version(request.CurrentVersion);
        RequestValidation.DeviceName(request.DeviceName);
        RequestValidation.MediaType(request.MediaType);
        StoredStream stream = Resolve(request.StreamName, request.StreamARN);
        _registry.Update(stream, state =>
        {
            CheckVersion(state, request.CurrentVersion!);
            state.DeviceName = request.DeviceName ?? state.DeviceName;
            state.MediaType = request.MediaType ?? state.MediaType;
            state.Version = NewVersion();
        });
        return EmptyObject;
    }

    /// <summary>UpdateStreamStorageConfiguration: the stream's default storage tier (HOT or WARM), version-checked.</summary>
    public void SetStorageTier(StoredStream stream, string currentVersion, string tier)
    {
        RequestValidation.Version(currentVersion);
        if (tier is not "HOT" and not "WARM")
        {
            throw RequestValidation.Invalid(tier, "StreamStorageConfiguration.DefaultStorageTier", "Member must satisfy enum value set: [HOT, WARM]", "use HOT or WARM");
        }

        _registry.Update(stream, state =>
        {
            CheckVersion(state, currentVersion);
            state.StorageTier = tier;
            state.Version = NewVersion();
        });
    }

    /// <summary>The stream's default storage tier; HOT when never set [inferred: HOT is the service's default tier].</summary>
    public string StorageTier(StoredStream stream) => _registry.Read(() => stream.State.StorageTier ?? "HOT");

    private static void CheckVersion(StreamState state, string currentVersion)
    {
        if (!string.Equals(state.Version, currentVersion, StringComparison.Ordinal))
        {
            throw ServiceError.VersionMismatch($"CurrentVersion '{currentVersion}' does not match the stream's version '{state.Version}': call DescribeStream for the current version.");
        }
    }

    private static string NewVersion() => RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 20);

    private static string EncodeToken(string lastName) => Convert.ToBase64String(Encoding.UTF8.GetBytes("after:" + lastName));

    private static string? DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            string text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("after:", StringComparison.Ordinal))
            {
                return text["after:".Length..];
            }
        }
        catch (FormatException)
        {
        }

        throw ServiceError.InvalidArgument($"NextToken '{token}' was not issued by this endpoint: pass the NextToken of the previous page unchanged.");
    }

    internal static T Read<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw ServiceError.Serialization("The request body is JSON null: send a JSON object.");
        }
        catch (JsonException e)
        {
            throw JsonErrors.Describe(e);
        }
    }

    internal static byte[] Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToUtf8Bytes(value, type);
}
