namespace KvsProducer.DependencyInjection;

/// <summary>
/// The options the registered producer was built with, and the credentials provider created from
/// configuration (file or IoT), which the container disposes after the producer (created after it).
/// </summary>
internal sealed class ProducerOptionsOwner(ProducerOptions options, IDisposable? ownedCredentials) : IDisposable
{
    public ProducerOptions Options { get; } = options;

    public void Dispose() => ownedCredentials?.Dispose();
}
