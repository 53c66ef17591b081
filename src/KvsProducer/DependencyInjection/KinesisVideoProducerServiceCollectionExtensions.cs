using KvsProducer;
using KvsProducer.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers one <see cref="KinesisVideoProducer"/> per application (issue 5 item 6), disposed with the container.</summary>
/// <example>
/// <code>
/// var builder = Host.CreateApplicationBuilder(args);
/// builder.Services.AddKinesisVideoProducer(builder.Configuration.GetSection("Kvs:Producer"));
/// </code>
/// </example>
public static class KinesisVideoProducerServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="KinesisVideoProducer"/> whose options are read from <paramref name="configuration"/>
    /// (see <see cref="KinesisVideoConfigurationExtensions.GetProducerOptions"/> for the keys) when it is first resolved,
    /// then passed through <paramref name="configure"/> (e.g. <c>o => o with { UserAgentSuffix = "door-cam" }</c>).
    /// The producer logs through the container's <see cref="ILoggerFactory"/> and uses its <see cref="TimeProvider"/> if one is registered.
    /// </summary>
    public static IServiceCollection AddKinesisVideoProducer(this IServiceCollection services, IConfiguration configuration, Func<ProducerOptions, ProducerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        return services.AddProducer(provider =>
        {
            var options = configuration.GetProducerOptions(provider.GetService<TimeProvider>(), provider.GetService<ILoggerFactory>());
            var configured = configure is null ? options : configure(options);
            return new ProducerOptionsOwner(configured, options.Credentials as IDisposable);
        });
    }

    /// <summary>
    /// Registers a singleton <see cref="KinesisVideoProducer"/> with options built in code: <paramref name="configure"/>
    /// receives the defaults (with the container's <see cref="TimeProvider"/>, if one is registered) and returns the options,
    /// e.g. <c>o => o with { Region = "us-west-2" }</c> (the options are an immutable record).
    /// </summary>
    public static IServiceCollection AddKinesisVideoProducer(this IServiceCollection services, Func<ProducerOptions, ProducerOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        return services.AddProducer(provider =>
        {
            var defaults = new ProducerOptions { TimeProvider = provider.GetService<TimeProvider>() ?? TimeProvider.System };
            return new ProducerOptionsOwner(configure(defaults) ?? throw new InvalidOperationException("The configure callback returned null: return the ProducerOptions to use."), null);
        });
    }

    private static IServiceCollection AddProducer(this IServiceCollection services, Func<IServiceProvider, ProducerOptionsOwner> createOptions)
    {
        if (services.Any(service => service.ServiceType == typeof(KinesisVideoProducer)))
        {
            throw new InvalidOperationException("AddKinesisVideoProducer was called twice: one producer serves every stream of an application, so register it once.");
        }

        services.TryAddSingleton(createOptions);
        services.TryAddSingleton(provider => new KinesisVideoProducer(
            provider.GetRequiredService<ProducerOptionsOwner>().Options,
            provider.GetService<ILoggerFactory>()));
        return services;
    }
}
