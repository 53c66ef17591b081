using KvsProducer.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.DependencyInjection;

/// <summary><c>services.AddKinesisVideoProducer(...)</c>: one producer, options from configuration or code, validated when resolved.</summary>
public class ServiceCollectionTests
{
    [Test]
    public async Task The_producer_is_one_singleton_built_from_the_configuration_section()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddKinesisVideoProducer(ProducerConfigurationTests.Section(("Region", "eu-west-1"), ("ServiceUrl", "http://127.0.0.1:4566"), ("AccessKey", "AKID"), ("SecretKey", "secret")));
        await using var provider = services.BuildServiceProvider();

        var producer = provider.GetRequiredService<KinesisVideoProducer>();

        Assert.That(provider.GetRequiredService<KinesisVideoProducer>(), Is.SameAs(producer));
        Assert.That(provider.GetRequiredService<ProducerOptionsOwner>().Options.ServiceUrl, Is.EqualTo(new Uri("http://127.0.0.1:4566")));
    }

    [Test]
    public async Task The_configure_callback_adjusts_the_configured_options()
    {
        var services = new ServiceCollection();
        services.AddKinesisVideoProducer(ProducerConfigurationTests.Section(("Region", "eu-west-1")), options => options with { UserAgentSuffix = "door-cam" });
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<ProducerOptionsOwner>().Options;

        Assert.That((options.Region, options.UserAgentSuffix), Is.EqualTo(("eu-west-1", "door-cam")));
    }

    [Test]
    public async Task Options_built_in_code_start_from_the_defaults_with_the_containers_clock()
    {
        var clock = new FakeTimeProvider();
        var services = new ServiceCollection().AddSingleton<TimeProvider>(clock);
        services.AddKinesisVideoProducer(options => options with { Region = "us-west-2", StorageSize = 8 * 1024 * 1024 });
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<ProducerOptionsOwner>().Options;

        Assert.That(options, Is.EqualTo(new ProducerOptions { Region = "us-west-2", StorageSize = 8 * 1024 * 1024, TimeProvider = clock }));
        Assert.That(provider.GetRequiredService<KinesisVideoProducer>(), Is.Not.Null);
    }

    [Test]
    public async Task Invalid_options_fail_when_the_producer_is_resolved_with_the_precise_message()
    {
        var services = new ServiceCollection();
        services.AddKinesisVideoProducer(options => options with { Region = "us-west-2", ConnectTimeout = TimeSpan.Zero });
        await using var provider = services.BuildServiceProvider();

        Assert.That(() => provider.GetRequiredService<KinesisVideoProducer>(), Throws.ArgumentException.With.Message.Contains("ConnectTimeout"));
    }

    [Test]
    public async Task A_credentials_file_provider_made_from_configuration_is_disposed_with_the_container()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "CREDENTIALS AKIDFROMFILE secret-from-file");
            var services = new ServiceCollection();
            services.AddKinesisVideoProducer(ProducerConfigurationTests.Section(("Region", "eu-west-1"), ("CredentialsFile", path)));
            var provider = services.BuildServiceProvider();
            var credentials = provider.GetRequiredService<ProducerOptionsOwner>().Options.Credentials!;
            _ = provider.GetRequiredService<KinesisVideoProducer>();

            await provider.DisposeAsync();

            Assert.That(async () => await credentials.GetCredentialsAsync(CancellationToken.None), Throws.InstanceOf<ObjectDisposedException>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void Registering_a_second_producer_is_refused()
    {
        var services = new ServiceCollection().AddKinesisVideoProducer(options => options with { Region = "us-west-2" });

        Assert.That(() => services.AddKinesisVideoProducer(options => options), Throws.InvalidOperationException.With.Message.Contains("once"));
    }

    [Test]
    public async Task The_producer_logs_through_the_containers_logger_factory()
    {
        var factory = new CountingLoggerFactory();
        var services = new ServiceCollection().AddSingleton<ILoggerFactory>(factory);
        services.AddKinesisVideoProducer(options => options with { Region = "us-west-2" });
        await using var provider = services.BuildServiceProvider();

        _ = provider.GetRequiredService<KinesisVideoProducer>();

        Assert.That(factory.Categories, Does.Contain(typeof(KinesisVideoProducer).FullName));
    }

    private sealed class CountingLoggerFactory : ILoggerFactory
    {
        public List<string> Categories { get; } = [];

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName)
        {
            Categories.Add(categoryName);
            return Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;
        }

        public void Dispose()
        {
        }
    }
}
