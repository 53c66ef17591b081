using Microsoft.Extensions.Configuration;

namespace KvsProducer.Tests.DependencyInjection;

/// <summary><see cref="KinesisVideoConfigurationExtensions.GetStreamDefinition"/>: every key and the errors for bad values.</summary>
public class StreamDefinitionConfigurationTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Kvs:Stream:" + v.Key, v.Value)))
            .Build()
            .GetSection("Kvs:Stream");

    [Test]
    public void Every_option_is_read_from_its_key_with_durations_in_either_form()
    {
        var definition = Section(("Name", "front-door"), ("Mode", "offline"), ("FragmentDuration", "4s"), ("KeyFrameFragmentation", "false"),
            ("Timecodes", "Relative"), ("BufferDuration", "00:01:00"), ("ReplayDuration", "30s"), ("ConnectionStaleAfter", "10s"), ("StaleConnectionGrace", "30s"), ("MaxLatency", "500ms"),
            ("OfflineWaitTimeout", "1m"), ("CreateIfMissing", "true"), ("Retention", "24h"), ("KmsKeyId", "alias/kvs"), ("Tags:site", "lobby"), ("Tags:floor", "2"))
            .GetStreamDefinition();

        Assert.That(definition, Is.EqualTo(new StreamDefinition("front-door")
        {
            Mode = StreamingMode.Offline,
            FragmentDuration = TimeSpan.FromSeconds(4),
            KeyFrameFragmentation = false,
            Timecodes = FragmentTimecodes.Relative,
            BufferDuration = TimeSpan.FromMinutes(1),
            ReplayDuration = TimeSpan.FromSeconds(30),
            ConnectionStaleAfter = TimeSpan.FromSeconds(10),
            StaleConnectionGrace = TimeSpan.FromSeconds(30),
            MaxLatency = TimeSpan.FromMilliseconds(500),
            OfflineWaitTimeout = TimeSpan.FromMinutes(1),
            CreateIfMissing = true,
            Retention = TimeSpan.FromHours(24),
            KmsKeyId = "alias/kvs",
            Tags = definition.Tags,
            Tracks = definition.Tracks,
        }));
        Assert.That(definition.Tags, Is.EquivalentTo(new Dictionary<string, string> { ["site"] = "lobby", ["floor"] = "2" }));
    }

    [Test]
    public void Only_a_name_gives_the_defaults()
    {
        var definition = Section(("Name", "front-door")).GetStreamDefinition();

        Assert.That(definition with { Tags = null!, Tracks = null! }, Is.EqualTo(new StreamDefinition("front-door") { Tags = null!, Tracks = null! }));
    }

    [Test]
    public void A_missing_name_is_refused_with_its_path()
    {
        Assert.That(() => Section(("Mode", "Realtime")).GetStreamDefinition(), Throws.InvalidOperationException.With.Message.Contains("'Kvs:Stream:Name' is missing"));
    }

    [TestCase("Mode", "Live", "Realtime, NearRealtime, Offline")]
    [TestCase("Mode", "2", "Realtime, NearRealtime, Offline")]
    [TestCase("FragmentDuration", "2 seconds", "duration")]
    [TestCase("CreateIfMissing", "yes", "true or false")]
    public void A_malformed_value_names_its_key_value_and_form(string key, string value, string expected)
    {
        var section = Section(("Name", "front-door"), (key, value));

        Assert.That(() => section.GetStreamDefinition(),
            Throws.InvalidOperationException.With.Message.Contains($"'{value}' at 'Kvs:Stream:{key}'").And.Message.Contains(expected));
    }

    [Test]
    public void An_out_of_range_retention_fails_validation_with_the_allowed_range()
    {
        Assert.That(() => Section(("Name", "front-door"), ("Retention", "30m")).GetStreamDefinition(), Throws.ArgumentException.With.Message.Contains("1 hour to 10 years"));
    }
}
