using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KvsProducer.LocalEndpoint.Tests.WebConsole;

/// <summary>
/// Debian's Chromium, headless, driven over the DevTools protocol (a WebSocket, JSON commands):
/// evaluate script in the page and capture screenshots. A fresh profile per instance.
/// </summary>
internal sealed class HeadlessChromium : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _profile;
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    private HeadlessChromium(Process process, string profile)
    {
        _process = process;
        _profile = profile;
    }

    public static bool Installed => File.Exists("/usr/bin/chromium");

    public static async Task<HeadlessChromium> OpenAsync(Uri page)
    {
        string profile = Path.Combine(Path.GetTempPath(), "kvs-chromium-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(profile);
        var start = new ProcessStartInfo("/usr/bin/chromium") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync", "--autoplay-policy=no-user-gesture-required", "--window-size=1000,900",
            "--remote-debugging-port=0", "--user-data-dir=" + profile, page.ToString(),
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process = Process.Start(start)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var browser = new HeadlessChromium(process, profile);
        try
        {
            // Chromium writes the port it picked to <profile>/DevToolsActivePort.
            string portFile = Path.Combine(profile, "DevToolsActivePort");
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(portFile) || (await File.ReadAllLinesAsync(portFile)).Length < 2)
            {
                if (deadline.Elapsed > TimeSpan.FromSeconds(30) || process.HasExited)
                {
                    throw new InvalidOperationException("Chromium did not open its DevTools port.");
                }

                await Task.Delay(100);
            }

            int port = int.Parse((await File.ReadAllLinesAsync(portFile))[0], System.Globalization.CultureInfo.InvariantCulture);
            using var http = new HttpClient();
            JsonArray targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{port}/json/list"))!.AsArray();
            string socketUrl = targets.First(t => t!["type"]!.GetValue<string>() == "page")!["webSocketDebuggerUrl"]!.GetValue<string>();
            await browser._socket.ConnectAsync(new Uri(socketUrl), CancellationToken.None);
            return browser;
        }
        catch
        {
            await browser.DisposeAsync();
            throw;
        }
    }

    /// <summary>Evaluates <paramref name="expression"/> in the page; returns its JSON value.</summary>
    public async Task<JsonNode?> EvaluateAsync(string expression)
    {
        JsonNode result = await SendAsync("Runtime.evaluate", new JsonObject { ["expression"] = expression, ["returnByValue"] = true, ["awaitPromise"] = true });
        return result["result"]?["value"];
    }

    /// <summary>A PNG of the page region (CSS pixels).</summary>
    public async Task<byte[]> ScreenshotAsync(double x, double y, double width, double height)
    {
        JsonNode result = await SendAsync("Page.captureScreenshot", new JsonObject
        {
            ["format"] = "png",
            ["clip"] = new JsonObject { ["x"] = x, ["y"] = y, ["width"] = width, ["height"] = height, ["scale"] = 1 },
        });
        return Convert.FromBase64String(result["data"]!.GetValue<string>());
    }

    private async Task<JsonNode> SendAsync(string method, JsonObject parameters)
    {
        int id = ++_nextId;
        byte[] command = Encoding.UTF8.GetBytes(new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters }.ToJsonString());
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _socket.SendAsync(command, WebSocketMessageType.Text, true, timeout.Token);
        var buffer = new byte[1 << 20];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await _socket.ReceiveAsync(buffer, timeout.Token);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            JsonNode reply = JsonNode.Parse(message.ToArray())!;
            if (reply["id"]?.GetValue<int>() != id)
            {
                continue; // an event
            }

            if (reply["error"] is { } error)
            {
                throw new InvalidOperationException($"{method}: {error.ToJsonString()}");
            }

            return reply["result"]!;
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_profile, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
