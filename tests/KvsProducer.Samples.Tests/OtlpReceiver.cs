using System.Net;
using System.Net.Sockets;

namespace KvsProducer.Samples.Tests;

/// <summary>
/// A minimal OTLP/HTTP metrics receiver on loopback: accepts POST /v1/metrics (protobuf) and keeps the
/// bodies. Metric and scope names are UTF-8 strings inside the protobuf, so they can be found as bytes.
/// </summary>
internal sealed class OtlpReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<byte[]> _bodies = [];
    private readonly Task _serving;

    public OtlpReceiver()
    {
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = new Uri($"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/");
        }

        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _serving = ServeAsync();
    }

    public Uri Url { get; }

    /// <summary>All bodies posted to /v1/metrics so far, as Latin-1 text (byte for byte) to search in.</summary>
    public string MetricsText
    {
        get
        {
            lock (_bodies)
            {
                return string.Concat(_bodies.Select(b => System.Text.Encoding.Latin1.GetString(b)));
            }
        }
    }

    public int Requests
    {
        get
        {
            lock (_bodies)
            {
                return _bodies.Count;
            }
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            if (context.Request.HttpMethod == "POST" && context.Request.Url?.AbsolutePath == "/v1/metrics")
            {
                lock (_bodies)
                {
                    _bodies.Add(body.ToArray());
                }
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
