using KvsProducer;
using KvsProducer.Auth;
using KvsProducer.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.Extensions.Configuration;

/// <summary>
/// Reads <see cref="ProducerOptions"/> and <see cref="StreamDefinition"/> from configuration
/// (appsettings.json, environment variables, command line) without reflection, so AOT and trimming stay clean.
/// </summary>
/// <example>
/// <code>
/// {
///   "Kvs": {
///     "Producer": { "Region": "eu-west-1", "StorageSize": 67108864, "CredentialsFile": "/etc/kvs/credentials" },
///     "Stream": { "Name": "front-door", "Mode": "Realtime", "FragmentDuration": "2s", "CreateIfMissing": true, "Retention": "24h" }
///   }
/// }
/// </code>
/// </example>
public static class KinesisVideoConfigurationExtensions
{
    private static readonly string[] s_producerKeys =
    [
        nameof(ProducerOptions.Region), nameof(ProducerOptions.ServiceUrl), nameof(ProducerOptions.StorageSize), nameof(ProducerOptions.CaBundlePath),
        nameof(ProducerOptions.ConnectTimeout), nameof(ProducerOptions.UseHttp2), nameof(ProducerOptions.UserAgentSuffix), "AccessKey", "SecretKey", "SessionToken", "CredentialsFile", "Iot",
    ];

    private static readonly string[] s_iotKeys =
    [
        nameof(IotCredentialsOptions.Endpoint), nameof(IotCredentialsOptions.RoleAlias), nameof(IotCredentialsOptions.ThingName),
        nameof(IotCredentialsOptions.CertificatePath), nameof(IotCredentialsOptions.PrivateKeyPath), nameof(IotCredentialsOptions.CaCertificatePath),
        nameof(IotCredentialsOptions.RefreshMargin), nameof(IotCredentialsOptions.ConnectTimeout), nameof(IotCredentialsOptions.RequestTimeout),
    ];

    /// <summary>
    /// Reads producer options from <paramref name="section"/>: <c>Region</c>, <c>ServiceUrl</c>, <c>StorageSize</c> (bytes),
    /// <c>CaBundlePath</c>, <c>ConnectTimeout</c>, <c>UseHttp2</c>, <c>UserAgentSuffix</c>, and at most one credentials source:
    /// <c>AccessKey</c> + <c>SecretKey</c> (+ <c>SessionToken</c>), <c>CredentialsFile</c>, or an <c>Iot</c> section
    /// (<see cref="IotCredentialsOptions"/>' keys); none means the AWS SDK's default chain. The options are validated.
    /// A credentials provider created here that is <see cref="IDisposable"/> belongs to the caller.
    /// </summary>
    /// <exception cref="InvalidOperationException">A key is unknown or a value malformed; the message names the key.</exception>
    /// <exception cref="ArgumentException">An option is out of range (<see cref="ProducerOptions.Validate"/>).</exception>
    public static ProducerOptions GetProducerOptions(this IConfiguration section, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        ConfigurationValues.RejectUnknownKeys(section, s_producerKeys, "producer");
        var time = timeProvider ?? TimeProvider.System;
        var defaults = new ProducerOptions();
        var options = new ProducerOptions
        {
            Region = ConfigurationValues.String(section, nameof(ProducerOptions.Region)),
            ServiceUrl = ConfigurationValues.AbsoluteUri(section, nameof(ProducerOptions.ServiceUrl)),
            StorageSize = ConfigurationValues.Int64(section, nameof(ProducerOptions.StorageSize)) ?? defaults.StorageSize,
            CaBundlePath = ConfigurationValues.String(section, nameof(ProducerOptions.CaBundlePath)),
            ConnectTimeout = ConfigurationValues.Duration(section, nameof(ProducerOptions.ConnectTimeout)) ?? defaults.ConnectTimeout,
            UseHttp2 = ConfigurationValues.Boolean(section, nameof(ProducerOptions.UseHttp2)) ?? defaults.UseHttp2,
            UserAgentSuffix = ConfigurationValues.String(section, nameof(ProducerOptions.UserAgentSuffix)),
            TimeProvider = time,
        };
        options.Validate();
        return options with { Credentials = CreateCredentials(section, time, loggerFactory ?? NullLoggerFactory.Instance) };
    }

    /// <summary>
    /// Reads a stream definition from <paramref name="section"/>: <c>Name</c>, <c>Mode</c> (Realtime, NearRealtime, Offline),
    /// <c>FragmentDuration</c>, <c>KeyFrameFragmentation</c>, <c>Timecodes</c> (Absolute, Relative), <c>BufferDuration</c>,
    /// <c>ReplayDuration</c>, <c>ConnectionStaleAfter</c>, <c>StaleConnectionGrace</c>, <c>MaxLatency</c>, <c>OfflineWaitTimeout</c>, <c>CreateIfMissing</c>,
    /// <c>Retention</c>, <c>KmsKeyId</c> and a <c>Tags</c> section; durations as <c>00:00:02</c> or <c>2s</c>. Keys it does not
    /// know are left to the caller (a camera's source URI may sit beside them). Tracks come from the source:
    /// set them with <c>with { Tracks = [source.Track] }</c>. The definition is validated.
    /// </summary>
    /// <exception cref="InvalidOperationException">A value is malformed or the name is missing; the message names the key.</exception>
    /// <exception cref="ArgumentException">An option is out of range (<see cref="StreamDefinition.Validate"/>).</exception>
    public static StreamDefinition GetStreamDefinition(this IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var name = ConfigurationValues.String(section, nameof(StreamDefinition.Name))
            ?? throw new InvalidOperationException($"Configuration key '{PathOf(section, nameof(StreamDefinition.Name))}' is missing: give the Kinesis video stream's name.");
        var defaults = new StreamDefinition(name);
        var tags = section.GetSection(nameof(StreamDefinition.Tags)).GetChildren()
            .ToDictionary(tag => tag.Key, tag => tag.Value ?? string.Empty, StringComparer.Ordinal);
        var definition = defaults with
        {
            Mode = ConfigurationValues.Enum<StreamingMode>(section, nameof(StreamDefinition.Mode)) ?? defaults.Mode,
            FragmentDuration = ConfigurationValues.Duration(section, nameof(StreamDefinition.FragmentDuration)) ?? defaults.FragmentDuration,
            KeyFrameFragmentation = ConfigurationValues.Boolean(section, nameof(StreamDefinition.KeyFrameFragmentation)) ?? defaults.KeyFrameFragmentation,
            Timecodes = ConfigurationValues.Enum<FragmentTimecodes>(section, nameof(StreamDefinition.Timecodes)) ?? defaults.Timecodes,
            BufferDuration = ConfigurationValues.Duration(section, nameof(StreamDefinition.BufferDuration)) ?? defaults.BufferDuration,
            ReplayDuration = ConfigurationValues.Duration(section, nameof(StreamDefinition.ReplayDuration)) ?? defaults.ReplayDuration,
            ConnectionStaleAfter = ConfigurationValues.Duration(section, nameof(StreamDefinition.ConnectionStaleAfter)) ?? defaults.ConnectionStaleAfter,
            StaleConnectionGrace = ConfigurationValues.Duration(section, nameof(StreamDefinition.StaleConnectionGrace)) ?? defaults.StaleConnectionGrace,
            MaxLatency = ConfigurationValues.Duration(section, nameof(StreamDefinition.MaxLatency)) ?? defaults.MaxLatency,
            OfflineWaitTimeout = ConfigurationValues.Duration(section, nameof(StreamDefinition.OfflineWaitTimeout)) ?? defaults.OfflineWaitTimeout,
            CreateIfMissing = ConfigurationValues.Boolean(section, nameof(StreamDefinition.CreateIfMissing)) ?? defaults.CreateIfMissing,
            Retention = ConfigurationValues.Duration(section, nameof(StreamDefinition.Retention)) ?? defaults.Retention,
            KmsKeyId = ConfigurationValues.String(section, nameof(StreamDefinition.KmsKeyId)),
            Tags = tags.Count > 0 ? tags : defaults.Tags,
        };
        definition.Validate();
        return definition;
    }

    private static ICredentialsProvider? CreateCredentials(IConfiguration section, TimeProvider time, ILoggerFactory loggerFactory)
    {
        var accessKey = ConfigurationValues.String(section, "AccessKey");
        var secretKey = ConfigurationValues.String(section, "SecretKey");
        var file = ConfigurationValues.String(section, "CredentialsFile");
        var iot = section.GetSection("Iot");
        var sources = new[] { accessKey ?? secretKey, file, iot.Exists() ? "Iot" : null }.Count(s => s is not null);
        if (sources > 1)
        {
            throw new InvalidOperationException(
                $"'{PathOf(section, string.Empty).TrimEnd(':')}' gives more than one credentials source: keep only one of AccessKey/SecretKey, CredentialsFile or Iot (or none for the AWS default chain).");
        }

        if (accessKey is not null || secretKey is not null)
        {
            if (accessKey is null || secretKey is null)
            {
                throw new InvalidOperationException(
                    $"'{PathOf(section, accessKey is null ? "AccessKey" : "SecretKey")}' is missing: static credentials need both AccessKey and SecretKey.");
            }

            return new StaticCredentialsProvider(accessKey, secretKey, ConfigurationValues.String(section, "SessionToken"));
        }

        if (file is not null)
        {
            return new CredentialsFileProvider(file, timeProvider: time, logger: loggerFactory.CreateLogger<CredentialsFileProvider>());
        }

        if (iot.Exists())
        {
            ConfigurationValues.RejectUnknownKeys(iot, s_iotKeys, "IoT credentials");
            var defaults = new IotCredentialsOptions();
            var options = new IotCredentialsOptions
            {
                Endpoint = ConfigurationValues.String(iot, nameof(IotCredentialsOptions.Endpoint)) ?? string.Empty,
                RoleAlias = ConfigurationValues.String(iot, nameof(IotCredentialsOptions.RoleAlias)) ?? string.Empty,
                ThingName = ConfigurationValues.String(iot, nameof(IotCredentialsOptions.ThingName)) ?? string.Empty,
                CertificatePath = ConfigurationValues.String(iot, nameof(IotCredentialsOptions.CertificatePath)) ?? string.Empty,
                PrivateKeyPath = ConfigurationValues.String(iot, nameof(IotCredentialsOptions.PrivateKeyPath)) ?? string.Empty,
                CaCertificatePath = ConfigurationValues.String(iot, nameof(IotCredentialsOptions.CaCertificatePath)),
                RefreshMargin = ConfigurationValues.Duration(iot, nameof(IotCredentialsOptions.RefreshMargin)) ?? defaults.RefreshMargin,
                ConnectTimeout = ConfigurationValues.Duration(iot, nameof(IotCredentialsOptions.ConnectTimeout)) ?? defaults.ConnectTimeout,
                RequestTimeout = ConfigurationValues.Duration(iot, nameof(IotCredentialsOptions.RequestTimeout)) ?? defaults.RequestTimeout,
            };
            return new IotCredentialsProvider(options, time, loggerFactory.CreateLogger<IotCredentialsProvider>());
        }

        return null;
    }

    private static string PathOf(IConfiguration section, string key) =>
        section is IConfigurationSection { Path.Length: > 0 } named ? ConfigurationPath.Combine(named.Path, key) : key;
}
