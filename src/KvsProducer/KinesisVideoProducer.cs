using System.Diagnostics.Metrics;
using KvsProducer.Auth;
using KvsProducer.Buffering;
using KvsProducer.Buffering.Spool;
using KvsProducer.Service;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvsProducer;

/// <summary>
/// The entry point: one per device (or per app). Holds the buffer budget shared by all streams, the
/// credentials, the control-plane client and the transport; starts streams.
/// </summary>
/// <example>
/// <code>
/// await using var producer = new KinesisVideoProducer(new ProducerOptions { Region = "us-west-2" });
/// await using var stream = await producer.StartStreamAsync(new StreamDefinition("front-door") { CreateIfMissing = true });
/// stream.PutFrame(frame);
/// await stream.StopAsync();
/// </code>
/// </example>
public sealed partial class KinesisVideoProducer : IAsyncDisposable
{
    /// <summary>The name of the <see cref="Meter"/> the producer publishes its metrics on.</summary>
    public const string MeterName = "KvsProducer";

    private readonly ProducerOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly Meter _meter;
    private readonly ContentStore _store;
    private readonly ControlPlaneClient _controlPlane;
    private readonly StreamUploaderContext _uploaderContext;
    private readonly List<KinesisVideoStream> _streams = [];
    private readonly Lock _streamsLock = new();
    private readonly SpoolMeters _spoolMeters;

    /// <summary>Creates the producer; throws <see cref="ArgumentException"/> naming any invalid option.</summary>
    public KinesisVideoProducer(ProducerOptions options, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger<KinesisVideoProducer>();
        _meter = new Meter(MeterName, ProducerInfo.Version);
        var region = options.ResolveRegion();
        var credentials = options.Credentials ?? new AwsSdkCredentialsProvider(null, AwsSdkCredentialsProvider.DefaultRefreshMargin, AwsSdkCredentialsProvider.DefaultRefreshPeriodWithoutExpiration, options.TimeProvider, _loggerFactory.CreateLogger<AwsSdkCredentialsProvider>());
        _store = new ContentStore(new ContentStoreOptions { StorageSize = options.StorageSize }, options.TimeProvider, _meter);
        _spoolMeters = new SpoolMeters(_meter);
        var userAgent = $"KvsProducer/{ProducerInfo.Version} .NET/{Environment.Version} {Environment.OSVersion.Platform}"
            + (options.UserAgentSuffix is null ? string.Empty : " " + options.UserAgentSuffix);
        _controlPlane = new ControlPlaneClient(
            new ControlPlaneClientOptions { Region = region, ServiceUrl = options.ResolveServiceUrl(), ConnectTimeout = options.ConnectTimeout, CaBundlePath = options.CaBundlePath, UserAgent = userAgent },
            credentials,
            options.TimeProvider,
            _loggerFactory.CreateLogger<ControlPlaneClient>());
        var transportOptions = new HttpTransportOptions
        {
            ConnectTimeout = options.ConnectTimeout,
            CaBundlePath = options.CaBundlePath,
            TimeProvider = options.TimeProvider,
        };
        IPutMediaTransport transport = options.UseHttp2 ? new Http2PutMediaTransport(transportOptions) : new Http1PutMediaTransport(transportOptions);
        _uploaderContext = new StreamUploaderContext(
            _controlPlane, credentials, new SigV4Signer(region), transport,
            new RetryPolicy(new RetryPolicyOptions { FirstRetryImmediate = true, MaxAttempts = int.MaxValue }, options.TimeProvider),
            options.TimeProvider, userAgent);
    }

    /// <summary>Buffer figures across all streams (the same the Meter publishes).</summary>
    public ContentStoreMetrics GetMetrics() => _store.GetMetrics();

    /// <summary>
    /// Checks the stream with the service (creating it when <see cref="StreamDefinition.CreateIfMissing"/>),
    /// tags it, and starts its uploader. Frames can be put as soon as this returns.
    /// </summary>
    /// <exception cref="KinesisVideoServiceException">The service refused (e.g. the stream does not exist); the message says what to do.</exception>
    public async Task<KinesisVideoStream> StartStreamAsync(StreamDefinition definition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(definition);
        definition.Validate();
        var description = await DescribeOrCreateAsync(definition, cancellationToken).ConfigureAwait(false);
        if (definition.Tags.Count > 0)
        {
            await _controlPlane.TagStreamAsync(definition.Name, definition.Tags, cancellationToken).ConfigureAwait(false);
        }

        var keepsData = description.DataRetentionInHours > 0;
        if (definition.Mode == StreamingMode.Offline && !keepsData)
        {
            throw new ArgumentException($"Stream '{definition.Name}' keeps no data (retention 0), so PERSISTED acknowledgements never come and an Offline upload could not free its buffer: use Realtime, or a stream with retention.", nameof(definition));
        }

        var diskBuffer = definition.DiskBuffer is null
            ? null
            : new StreamDiskBuffer(definition, keepsData, _options.TimeProvider, _loggerFactory.CreateLogger<StreamDiskBuffer>(), StartReplay);
        var stream = StartUploading(definition, keepsData, diskBuffer, out var uploader);
        lock (_streamsLock)
        {
            _streams.Add(stream);
        }

        if (diskBuffer is null)
        {
            uploader.Start();
        }
        else
        {
            _spoolMeters.Add(diskBuffer);
            diskBuffer.Attach(stream);
            diskBuffer.Start(uploader); // docs/disk-buffer.md: what an earlier run left on disk goes first
        }

        return stream;

        // A stream of the disk buffer's own, uploading what it reads from disk (Offline, same stream name).
        KinesisVideoStream StartReplay(StreamDefinition replay)
        {
            var replayStream = StartUploading(replay, keepsData, null, out var replayUploader);
            replayUploader.Start();
            return replayStream;
        }
    }

    /// <summary>The stream's buffer view, the stream and its uploader (not started); with a disk buffer, stopping drains the live stream, then what it spilled.</summary>
    private KinesisVideoStream StartUploading(StreamDefinition definition, bool keepsData, StreamDiskBuffer? diskBuffer, out StreamUploader uploader)
    {
        var view = _store.CreateView(new ContentViewOptions
        {
            StreamName = definition.Name,
            Mode = definition.Mode,
            BufferDuration = definition.BufferDuration,
            ReplayDuration = definition.ReplayDuration,
            MaxLatency = definition.MaxLatency,
            KeepsData = keepsData,
            OfflineWaitTimeout = definition.OfflineWaitTimeout,
        });
        StreamUploader? created = null;
        var stream = new KinesisVideoStream(
            definition,
            view,
            stop: async (_, token) =>
            {
                if (diskBuffer is not null)
                {
                    await diskBuffer.BeforeStopAsync(token).ConfigureAwait(false);
                }

                await created!.StopAsync(token).ConfigureAwait(false);
                if (diskBuffer is not null)
                {
                    await diskBuffer.AfterStopAsync(token).ConfigureAwait(false);
                }
            },
            dispose: async () =>
            {
                if (diskBuffer is not null)
                {
                    await diskBuffer.CancelReplayAsync().ConfigureAwait(false);
                }

                await created!.DisposeAsync().ConfigureAwait(false);
                if (diskBuffer is not null)
                {
                    _spoolMeters.Remove(diskBuffer);
                    await diskBuffer.DisposeAsync().ConfigureAwait(false);
                }

                lock (_streamsLock)
                {
                    _streams.RemoveAll(s => s.Name == definition.Name && s.View == view);
                }
            },
            _options.TimeProvider);
        if (diskBuffer is not null)
        {
            stream.AttachSpool(diskBuffer);
        }

        created = new StreamUploader(stream, _uploaderContext, _loggerFactory.CreateLogger<StreamUploader>());
        stream.Uploader = created;
        uploader = created;
        return stream;
    }

    /// <summary>Disposes every stream still open (without draining: call StopAsync first to drain) and the producer's resources.</summary>
    public async ValueTask DisposeAsync()
    {
        KinesisVideoStream[] open;
        lock (_streamsLock)
        {
            open = [.. _streams];
        }

        foreach (var stream in open)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        await _uploaderContext.Transport.DisposeAsync().ConfigureAwait(false);
        _controlPlane.Dispose();
        _store.Dispose();
        _meter.Dispose();
    }

    private async Task<StreamDescription> DescribeOrCreateAsync(StreamDefinition definition, CancellationToken cancellationToken)
    {
        try
        {
            var existing = await _controlPlane.DescribeStreamAsync(definition.Name, cancellationToken).ConfigureAwait(false);
            return await WaitUntilActiveAsync(existing, cancellationToken).ConfigureAwait(false);
        }
        catch (KinesisVideoServiceException error) when (error.ErrorType == "ResourceNotFoundException" && definition.CreateIfMissing)
        {
            Log.CreatingStream(_logger, definition.Name);
        }

        await _controlPlane.CreateStreamAsync(new CreateStreamRequest
        {
            StreamName = definition.Name,
            MediaType = definition.ContentType,
            KmsKeyId = definition.KmsKeyId,
            DataRetentionInHours = (int)Math.Ceiling(definition.Retention.TotalHours),
        }, cancellationToken).ConfigureAwait(false);
        var created = await _controlPlane.DescribeStreamAsync(definition.Name, cancellationToken).ConfigureAwait(false);
        return await WaitUntilActiveAsync(created, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Error 4008: frames sent before the stream is ACTIVE are refused, so wait for it.</summary>
    private async Task<StreamDescription> WaitUntilActiveAsync(StreamDescription description, CancellationToken cancellationToken)
    {
        for (var attempt = 0; !description.IsActive; attempt++)
        {
            if (attempt == 60 || description.Status is "DELETING")
            {
                throw new KvsProducerException($"Stream '{description.StreamName}' is {description.Status}, not ACTIVE: wait until it is active (or recreate it) and start the stream again.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            description = await _controlPlane.DescribeStreamAsync(description.StreamName, cancellationToken).ConfigureAwait(false);
        }

        return description;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Stream {Stream} does not exist: creating it")]
        public static partial void CreatingStream(ILogger logger, string stream);
    }
}
