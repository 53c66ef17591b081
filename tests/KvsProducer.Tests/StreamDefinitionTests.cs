namespace KvsProducer.Tests;

/// <summary>Bad stream and producer settings are refused at construction, naming the option and what to use.</summary>
public class StreamDefinitionTests
{
    private static string Refusal(Action validate) => Assert.Throws<ArgumentException>(() => validate())!.Message;

    [Test]
    public void A_stream_name_with_a_space_names_the_character_and_the_allowed_set()
    {
        Assert.That(Refusal(() => new StreamDefinition("front door").Validate()), Does.Contain("contains ' '").And.Contain("letters, digits"));
    }

    [Test]
    public void A_stream_name_over_256_characters_is_refused()
    {
        Assert.That(Refusal(() => new StreamDefinition(new string('a', 257)).Validate()), Does.Contain("1–256 characters"));
    }

    [Test]
    public void Replay_longer_than_the_buffer_is_refused()
    {
        Assert.That(Refusal(() => new StreamDefinition("s") { BufferDuration = TimeSpan.FromSeconds(10), ReplayDuration = TimeSpan.FromSeconds(20) }.Validate()),
            Does.Contain("ReplayDuration"));
    }

    [Test]
    public void Retention_between_zero_and_one_hour_is_refused()
    {
        Assert.That(Refusal(() => new StreamDefinition("s") { Retention = TimeSpan.FromMinutes(30) }.Validate()), Does.Contain("1 hour"));
    }

    [Test]
    public void Offline_creation_without_retention_is_refused_because_persisted_acks_would_never_come()
    {
        Assert.That(Refusal(() => new StreamDefinition("s") { Mode = StreamingMode.Offline, Retention = TimeSpan.Zero, CreateIfMissing = true }.Validate()),
            Does.Contain("Offline mode needs a stream that keeps data"));
    }

    [Test]
    public void A_fragment_duration_outside_1_to_30_seconds_is_refused()
    {
        Assert.That(Refusal(() => new StreamDefinition("s") { FragmentDuration = TimeSpan.FromMilliseconds(500) }.Validate()), Does.Contain("use 1 to 30 s"));
    }

    [TestCase(-1), TestCase(121)]
    public void A_stale_connection_grace_outside_0_to_2_minutes_is_refused(int seconds)
    {
        Assert.That(Refusal(() => new StreamDefinition("s") { StaleConnectionGrace = TimeSpan.FromSeconds(seconds) }.Validate()),
            Does.Contain($"StaleConnectionGrace {TimeSpan.FromSeconds(seconds)} is out of range").And.Contain("0 (reset a stale connection at once) to 2 minutes"));
    }

    [TestCase(0), TestCase(120)]
    public void A_stale_connection_grace_of_0_to_2_minutes_is_valid(int seconds)
    {
        Assert.DoesNotThrow(() => new StreamDefinition("s") { StaleConnectionGrace = TimeSpan.FromSeconds(seconds) }.Validate());
    }

    [Test]
    public void An_offline_wait_within_the_staleness_limit_plus_its_grace_is_refused_naming_both()
    {
        var definition = new StreamDefinition("s") { Mode = StreamingMode.Offline, OfflineWaitTimeout = TimeSpan.FromSeconds(60) }; // 20 s + 45 s by default

        Assert.That(Refusal(definition.Validate), Does.Contain("must be longer than ConnectionStaleAfter 00:00:20 plus StaleConnectionGrace 00:00:45"));
        Assert.DoesNotThrow((definition with { StaleConnectionGrace = TimeSpan.FromSeconds(30) }).Validate);
    }

    [Test]
    public void Defaults_are_the_official_sdks_and_valid()
    {
        var definition = new StreamDefinition("front-door");
        definition.Validate();
        Assert.That((definition.FragmentDuration, definition.BufferDuration, definition.ReplayDuration, definition.ContentType),
            Is.EqualTo((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(40), "video/h264")));
    }

    [Test]
    public void A_storage_size_below_1_MiB_is_refused()
    {
        Assert.That(Refusal(() => new ProducerOptions { Region = "us-west-2", StorageSize = 1000 }.Validate()), Does.Contain("1 MiB to 10 GiB"));
    }

    [Test]
    public void A_relative_service_url_is_refused()
    {
        Assert.That(Refusal(() => new ProducerOptions { Region = "us-west-2", ServiceUrl = new Uri("/kvs", UriKind.Relative) }.Validate()), Does.Contain("absolute http"));
    }

    [Test]
    public void A_missing_ca_bundle_is_named()
    {
        Assert.That(Refusal(() => new ProducerOptions { Region = "us-west-2", CaBundlePath = "/nowhere/ca.pem" }.Validate()), Does.Contain("/nowhere/ca.pem"));
    }
}
