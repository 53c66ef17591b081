using KvsProducer.LocalEndpoint.Tests.Support;

namespace KvsProducer.LocalEndpoint.Tests;

/// <summary>Issue 10 §1: stream status goes CREATING → ACTIVE and DELETING → gone, as the service's does.</summary>
[TestFixture]
public sealed class StreamLifecycleTests
{
    [Test]
    public async Task A_new_stream_is_CREATING_until_the_creation_delay_passed_then_ACTIVE()
    {
        var clock = new ManualClock();
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { TimeProvider = clock, StreamCreationDelay = TimeSpan.FromSeconds(1) });
        using var api = new KvsApi(kvs.Url);
        await api.CreateStreamAsync("s");

        string before = (await api.DescribeAsync("s")).GetProperty("Status").GetString()!;
        clock.Advance(TimeSpan.FromSeconds(1.5));
        string after = (await api.DescribeAsync("s")).GetProperty("Status").GetString()!;

        Assert.That((before, after), Is.EqualTo(("CREATING", "ACTIVE")));
    }

    [Test]
    public async Task A_deleted_stream_is_DELETING_until_the_deletion_delay_passed_then_not_found()
    {
        var clock = new ManualClock();
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { TimeProvider = clock, StreamDeletionDelay = TimeSpan.FromSeconds(2) });
        using var api = new KvsApi(kvs.Url);
        string arn = await api.CreateStreamAsync("s");
        await api.CallAsync("deleteStream", $$"""{"StreamARN":"{{arn}}"}""");

        string during = (await api.DescribeAsync("s")).GetProperty("Status").GetString()!;
        clock.Advance(TimeSpan.FromSeconds(3));
        ApiResult after = await api.CallAsync("describeStream", """{"StreamName":"s"}""");

        Assert.That(during, Is.EqualTo("DELETING"));
        Assert.That(after.ErrorType, Does.StartWith("ResourceNotFoundException:"));
    }

    [Test]
    public async Task A_stream_name_being_deleted_cannot_be_created_again_yet()
    {
        await using LocalKvs kvs = await LocalKvs.StartAsync(new LocalKvsOptions { StreamDeletionDelay = TimeSpan.FromMinutes(1) });
        using var api = new KvsApi(kvs.Url);
        string arn = await api.CreateStreamAsync("s");
        await api.CallAsync("deleteStream", $$"""{"StreamARN":"{{arn}}"}""");

        ApiResult again = await api.CallAsync("createStream", """{"StreamName":"s"}""");

        Assert.That(again.ErrorType, Does.StartWith("ResourceInUseException:"));
        Assert.That(again.Message, Does.Contain("being deleted"));
    }
}
