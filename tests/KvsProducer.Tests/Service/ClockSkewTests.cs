using KvsProducer.Auth;
using KvsProducer.Service;
using Microsoft.Extensions.Time.Testing;

namespace KvsProducer.Tests.Service;

/// <summary>Clock-skew correction from the server's Date header (parity.md §6 #8).</summary>
public sealed class ClockSkewTests
{
    private static readonly DateTimeOffset Start = ControlPlaneClientTests.Start;

    [Test]
    public void Signature_expired_with_the_server_20_minutes_ahead_adopts_the_servers_clock()
    {
        var time = new FakeTimeProvider(Start);
        var skew = new ClockSkew(time);

        var corrected = skew.TryCorrect(403, "InvalidSignatureException", "Signature expired: 20261125T120000Z is now earlier than 20261125T121500Z (20261125T122000Z - 5 min.)", Start.AddMinutes(20));

        Assert.That(corrected, Is.True);
        Assert.That(skew.Offset, Is.EqualTo(TimeSpan.FromMinutes(20)).Within(TimeSpan.FromSeconds(1)));
        Assert.That(skew.GetUtcNow(), Is.EqualTo(Start.AddMinutes(20)).Within(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void A_server_behind_us_gives_a_negative_offset()
    {
        var time = new FakeTimeProvider(Start);
        var skew = new ClockSkew(time);

        var corrected = skew.TryCorrect(403, "InvalidSignatureException", "Signature not yet current: 20261125T120000Z is still later than 20261125T114500Z (20261125T114000Z + 5 min.)", Start.AddMinutes(-20));

        Assert.That(corrected, Is.True);
        Assert.That(skew.Offset, Is.EqualTo(TimeSpan.FromMinutes(-20)).Within(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void The_offset_follows_the_local_clock_afterwards()
    {
        var time = new FakeTimeProvider(Start);
        var skew = new ClockSkew(time);
        skew.TryCorrect(400, "RequestExpired", "Request has expired.", Start.AddMinutes(20));

        time.Advance(TimeSpan.FromMinutes(3));

        Assert.That(skew.GetUtcNow(), Is.EqualTo(Start.AddMinutes(23)).Within(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public void A_plain_authorization_failure_with_a_close_server_clock_is_not_blamed_on_the_clock()
    {
        var skew = new ClockSkew(new FakeTimeProvider(Start));

        var corrected = skew.TryCorrect(403, "NotAuthorizedException", "User is not authorized", Start.AddMinutes(2));

        Assert.That(corrected, Is.False);
        Assert.That(skew.Offset, Is.EqualTo(TimeSpan.Zero));
    }

    [Test]
    public void A_403_with_a_server_Date_far_from_ours_is_corrected_even_without_a_clock_message()
    {
        var skew = new ClockSkew(new FakeTimeProvider(Start));

        var corrected = skew.TryCorrect(403, "", "", Start.AddMinutes(30));

        Assert.That(corrected, Is.True);
    }

    [Test]
    public void A_refusal_without_a_Date_header_teaches_nothing()
    {
        var skew = new ClockSkew(new FakeTimeProvider(Start));

        var corrected = skew.TryCorrect(403, "InvalidSignatureException", "Signature expired: …", null);

        Assert.That(corrected, Is.False);
    }

    [Test]
    public void A_refusal_already_corrected_for_is_not_corrected_again()
    {
        var skew = new ClockSkew(new FakeTimeProvider(Start));
        skew.TryCorrect(403, "InvalidSignatureException", "Signature expired", Start.AddMinutes(20));

        var again = skew.TryCorrect(403, "InvalidSignatureException", "Signature expired", Start.AddMinutes(20));

        Assert.That(again, Is.False, "the server's Date now agrees with our corrected clock: something else is wrong");
    }

    [Test]
    public async Task Client_recovers_when_the_server_clock_is_20_minutes_ahead()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await ControlPlaneTestServer.StartAsync(() => time.GetUtcNow() + TimeSpan.FromMinutes(20));
        server.SetDefault("/getDataEndpoint", ControlPlaneCannedResponse.Ok("""{"DataEndpoint":"https://s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com"}"""));
        using var client = ControlPlaneClientTests.CreateClient(server, time, new ControlPlaneClientTests.StaticCredentials(new KvsCredentials(ControlPlaneTestServer.AccessKey, ControlPlaneTestServer.Secret)));

        var endpoint = await client.GetDataEndpointAsync("front-door", DataEndpointApi.PutMedia, CancellationToken.None);

        Assert.That(endpoint.Host, Is.EqualTo("s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com"));
        var requests = server.Requests.ToArray();
        Assert.That(requests, Has.Length.EqualTo(2), "refused once as expired, then retried at once with the corrected time");
        Assert.That(requests[0].Expired, Is.True);
        Assert.That(requests[1].Expired, Is.False);
        Assert.That(requests[1].SignatureError, Is.Null);
        Assert.That(client.ClockSkew.Offset, Is.EqualTo(TimeSpan.FromMinutes(20)).Within(TimeSpan.FromSeconds(1)));
    }

    [Test]
    public async Task Later_calls_are_signed_with_the_corrected_clock_from_the_start()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await ControlPlaneTestServer.StartAsync(() => time.GetUtcNow() + TimeSpan.FromMinutes(20));
        server.SetDefault("/tagStream", ControlPlaneCannedResponse.Ok("{}"));
        using var client = ControlPlaneClientTests.CreateClient(server, time, new ControlPlaneClientTests.StaticCredentials(new KvsCredentials(ControlPlaneTestServer.AccessKey, ControlPlaneTestServer.Secret)));
        await client.TagStreamAsync("front-door", new Dictionary<string, string> { ["a"] = "b" }, CancellationToken.None);

        await client.TagStreamAsync("front-door", new Dictionary<string, string> { ["c"] = "d" }, CancellationToken.None);

        Assert.That(server.Requests, Has.Count.EqualTo(3));
    }

    [Test]
    public async Task A_server_that_still_refuses_after_the_correction_is_reported_not_retried_forever()
    {
        var time = new FakeTimeProvider(Start);
        await using var server = await ControlPlaneTestServer.StartAsync(() => time.GetUtcNow() + TimeSpan.FromMinutes(20));
        // Every answer carries a Date another 20 minutes on: no correction can catch up.
        var offset = TimeSpan.FromMinutes(20);
        server.BeforeAnswer = _ =>
        {
            offset += TimeSpan.FromMinutes(20);
            server.Clock = () => time.GetUtcNow() + offset;
            return Task.CompletedTask;
        };
        using var client = ControlPlaneClientTests.CreateClient(server, time, new ControlPlaneClientTests.StaticCredentials(new KvsCredentials(ControlPlaneTestServer.AccessKey, ControlPlaneTestServer.Secret)));

        var error = Assert.ThrowsAsync<KinesisVideoServiceException>(() => client.DescribeStreamAsync("front-door", CancellationToken.None))!;

        Assert.That(error.ErrorType, Is.EqualTo("InvalidSignatureException"));
        Assert.That(error.Advice, Does.Contain("clock"));
        Assert.That(server.Requests, Has.Count.EqualTo(2));
    }
}
