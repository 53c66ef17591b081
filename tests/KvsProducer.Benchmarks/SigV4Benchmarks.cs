using BenchmarkDotNet.Attributes;
using KvsProducer.Auth;
using KvsProducer.Service;

namespace KvsProducer.Benchmarks;

/// <summary>
/// Cost of one SigV4 signature (kvs-protocol.md §1.3) as the producer makes them: a control-plane
/// call with its JSON body hashed, and a PutMedia request (empty payload hash, the PutMedia headers).
/// The only allocations expected are the X-Amz-Date and Authorization strings.
/// </summary>
[MemoryDiagnoser]
public class SigV4Benchmarks
{
    private static readonly KeyValuePair<string, string>[] ControlPlaneHeaders =
    [
        new("host", "kinesisvideo.us-west-2.amazonaws.com"),
        new("user-agent", "KvsProducer/0.1.0 .NET/10.0.0"),
        new("content-type", "application/json"),
        new("content-length", "49"),
    ];

    private static readonly KeyValuePair<string, string>[] PutMediaHeaders =
    [
        new("host", "s-1e415f8b.kinesisvideo.us-west-2.amazonaws.com"),
        new("user-agent", "KvsProducer/0.1.0 .NET/10.0.0"),
        new("x-amzn-stream-name", "front-door"),
        new("x-amzn-fragment-timecode-type", "ABSOLUTE"),
        new("x-amzn-producer-start-timestamp", "1764072000.000"),
        new("x-amzn-fragment-acknowledgment-required", "1"),
        new("transfer-encoding", "chunked"),
        new("connection", "keep-alive"),
    ];

    private static readonly byte[] Body = """{"StreamName":"front-door","APIName":"PUT_MEDIA"}"""u8.ToArray();

    private readonly SigV4Signer _signer = new("us-west-2");
    private readonly KvsCredentials _credentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FwoGZXIvYXdzEXAMPLETOKEN");
    private readonly DateTimeOffset _time = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Benchmark(Description = "control-plane call (JSON body hashed)")]
    public string ControlPlane() => _signer.Sign("POST", "/getDataEndpoint", "", ControlPlaneHeaders, Body, _credentials, _time).Authorization;

    [Benchmark(Description = "PutMedia (empty payload hash)")]
    public string PutMedia() => _signer.Sign("POST", "/putMedia", "", PutMediaHeaders, [], _credentials, _time).Authorization;
}
