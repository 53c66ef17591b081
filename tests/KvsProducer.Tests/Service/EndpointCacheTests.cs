using KvsProducer.Auth;
using KvsProducer.Service;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Service;

/// <summary>The 40-minute data-endpoint cache (kvs-protocol.md §1.1, parity.md §3).</summary>
public sealed class EndpointCacheTests
{
    private static readonly Uri PutMediaEndpoint = new("https://s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com");

    [Test]
    public void An_entry_is_served_until_40_minutes_have_passed()
    {
        var time = new FakeTimeProvider(ControlPlaneClientTests.Start);
        var cache = new EndpointCache(time);
        cache.Set("front-door", DataEndpointApi.PutMedia, PutMediaEndpoint);

        time.Advance(TimeSpan.FromMinutes(40) - TimeSpan.FromMilliseconds(1));

        Assert.That(cache.TryGet("front-door", DataEndpointApi.PutMedia, out var endpoint), Is.True);
        Assert.That(endpoint, Is.EqualTo(PutMediaEndpoint));
    }

    [Test]
    public void An_entry_expires_at_40_minutes()
    {
        var time = new FakeTimeProvider(ControlPlaneClientTests.Start);
        var cache = new EndpointCache(time);
        cache.Set("front-door", DataEndpointApi.PutMedia, PutMediaEndpoint);

        time.Advance(TimeSpan.FromMinutes(40));

        Assert.That(cache.TryGet("front-door", DataEndpointApi.PutMedia, out _), Is.False);
    }

    [Test]
    public void Entries_are_kept_per_stream_and_API()
    {
        var cache = new EndpointCache(new FakeTimeProvider(ControlPlaneClientTests.Start));
        cache.Set("front-door", DataEndpointApi.PutMedia, PutMediaEndpoint);

        Assert.That(cache.TryGet("front-door", DataEndpointApi.GetMedia, out _), Is.False);
        Assert.That(cache.TryGet("back-door", DataEndpointApi.PutMedia, out _), Is.False);
    }

    [Test]
    public void Invalidating_by_key_forgets_the_entry()
    {
        var cache = new EndpointCache(new FakeTimeProvider(ControlPlaneClientTests.Start));
        cache.Set("front-door", DataEndpointApi.PutMedia, PutMediaEndpoint);

        Assert.That(cache.Invalidate("front-door", DataEndpointApi.PutMedia), Is.True);
        Assert.That(cache.TryGet("front-door", DataEndpointApi.PutMedia, out _), Is.False);
    }

    [Test]
    public void Invalidating_a_failed_endpoint_forgets_every_entry_pointing_at_it()
    {
        var cache = new EndpointCache(new FakeTimeProvider(ControlPlaneClientTests.Start));
        var other = new Uri("https://s-00000001.kinesisvideo.us-west-2.amazonaws.com");
        cache.Set("front-door", DataEndpointApi.PutMedia, PutMediaEndpoint);
        cache.Set("garage", DataEndpointApi.PutMedia, PutMediaEndpoint);
        cache.Set("back-door", DataEndpointApi.PutMedia, other);

        var removed = cache.Invalidate(new Uri("https://s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com/putMedia"));

        Assert.That(removed, Is.EqualTo(2));
        Assert.That(cache.TryGet("back-door", DataEndpointApi.PutMedia, out _), Is.True);
    }

    [Test]
    public void A_lifetime_over_24_hours_is_refused()
    {
        Assert.That(() => new EndpointCache(TimeProvider.System, TimeSpan.FromHours(25)), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("at most 24 hours"));
    }

    [Test]
    public async Task The_client_asks_GetDataEndpoint_again_only_after_40_minutes()
    {
        var time = new FakeTimeProvider(ControlPlaneClientTests.Start);
        await using var server = await ControlPlaneTestServer.StartAsync(() => time.GetUtcNow());
        server.SetDefault("/getDataEndpoint", ControlPlaneCannedResponse.Ok("""{"DataEndpoint":"https://s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com"}"""));
        using var client = ControlPlaneClientTests.CreateClient(server, time, new ControlPlaneClientTests.StaticCredentials(new KvsCredentials(ControlPlaneTestServer.AccessKey, ControlPlaneTestServer.Secret)));

        await client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(39));
        await client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None);
        Assert.That(server.Requests, Has.Count.EqualTo(1), "served from the cache within 40 minutes");

        time.Advance(TimeSpan.FromMinutes(1));
        await client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None);

        Assert.That(server.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task The_client_asks_again_at_once_after_the_uploader_invalidates_the_endpoint()
    {
        var time = new FakeTimeProvider(ControlPlaneClientTests.Start);
        await using var server = await ControlPlaneTestServer.StartAsync(() => time.GetUtcNow());
        server.Enqueue("/getDataEndpoint", ControlPlaneCannedResponse.Ok("""{"DataEndpoint":"https://s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com"}"""));
        server.Enqueue("/getDataEndpoint", ControlPlaneCannedResponse.Ok("""{"DataEndpoint":"https://s-22222222.kinesisvideo.us-west-2.amazonaws.com"}"""));
        using var client = ControlPlaneClientTests.CreateClient(server, time, new ControlPlaneClientTests.StaticCredentials(new KvsCredentials(ControlPlaneTestServer.AccessKey, ControlPlaneTestServer.Secret)));
        var first = await client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None);

        client.Endpoints.Invalidate(first);
        var second = await client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None);

        Assert.That(second.Host, Is.EqualTo("s-22222222.kinesisvideo.us-west-2.amazonaws.com"));
    }
}
