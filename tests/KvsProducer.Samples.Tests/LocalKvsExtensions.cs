using System.Text.Json;
using KvsProducer.Streaming.Tests;

namespace KvsProducer.Samples.Tests;

/// <summary>What the samples need from the local endpoint: how to point them at it, and how to wait for their fragments.</summary>
internal static class LocalKvsExtensions
{
    /// <summary>The AWS default chain's environment, aimed at nothing real: the local endpoint accepts any key.</summary>
    public static Dictionary<string, string> AwsEnvironment(this LocalKvsFixture local) => new()
    {
        ["AWS_ACCESS_KEY_ID"] = "AKIDSAMPLETEST",
        ["AWS_SECRET_ACCESS_KEY"] = "sample-secret",
        ["AWS_REGION"] = "us-west-2",
        ["AWS_EC2_METADATA_DISABLED"] = "true",
        ["KVS_ENDPOINT"] = local.Kvs.Url.ToString(),
    };

    /// <summary>The fragments stored for <paramref name="stream"/> (none while it does not exist yet).</summary>
    public static async Task<List<JsonElement>> FragmentsAsync(this LocalKvsFixture local, string stream)
    {
        try
        {
            return await local.ListFragmentsAsync(stream);
        }
        catch (HttpRequestException)
        {
            return [];
        }
    }

    /// <summary>Polls until <paramref name="stream"/> has at least <paramref name="count"/> fragments, or fails with the sample's output.</summary>
    public static async Task WaitForFragmentsAsync(this LocalKvsFixture local, string stream, int count, SampleProcess sample, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while ((await local.FragmentsAsync(stream)).Count < count)
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"'{stream}' did not get {count} fragments within {timeout.TotalSeconds} s. Sample output:\n{sample.Output}");
            }

            await Task.Delay(200);
        }
    }

    public static double ProducerTimestamp(this JsonElement fragment) => fragment.GetProperty("ProducerTimestamp").GetDouble();
}
