using System.CommandLine;
using System.Text;
using System.Text.Json;

namespace KvsProducer.Cli.Commands;

/// <summary><c>kvs get-media</c>: saves a stream's media with GetMedia (kvs-protocol.md §7.1, chunks of §6.7).</summary>
internal static class GetMediaCommand
{
    internal static Command Create()
    {
        var stream = new Option<string>("--stream") { Description = "Stream name.", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "MKV file to write (the service's chunks, one self-contained MKV per fragment).", Required = true };
        var endpoint = new Option<Uri>("--endpoint") { CustomParser = r => Uri.TryCreate(r.Tokens[^1].Value, UriKind.Absolute, out Uri? uri) ? uri : FragmentsCommand.Invalid(r),  Description = "Endpoint URL (a data endpoint for GET_MEDIA, or a local endpoint).", DefaultValueFactory = _ => new Uri($"http://127.0.0.1:{LocalCommand.DefaultPort}") };
        var start = new Option<string>("--start") { Description = "Start selector: EARLIEST, NOW, or FRAGMENT_NUMBER:<n> (after n).", DefaultValueFactory = _ => "EARLIEST" };
        var idle = new Option<double>("--idle-seconds") { Description = "Stop after this many seconds without new data (GetMedia itself never ends).", DefaultValueFactory = _ => 2 };
        var command = new Command("get-media", "Save the media of a stream to an MKV file (unsigned requests: for a local endpoint without credentials).") { stream, output, endpoint, start, idle };
        command.SetAction(async (parse, cancellationToken) =>
        {
            string selector = parse.GetValue(start)!;
            using var http = new HttpClient { BaseAddress = parse.GetValue(endpoint), Timeout = Timeout.InfiniteTimeSpan };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/getMedia")
            {
                Content = new StringContent(Request(parse.GetValue(stream)!, selector), Encoding.UTF8, "application/json"),
            };
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                await Console.Error.WriteLineAsync($"kvs get-media: cannot reach {http.BaseAddress}: {e.Message} (is `kvs local` running? pass --endpoint).").ConfigureAwait(false);
                return 1;
            }

            using (response)
            {
                if (!response.IsSuccessStatusCode)
                {
                    string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    await Console.Error.WriteLineAsync($"kvs get-media: {(int)response.StatusCode} {FragmentsCommand.ErrorType(response)}: {text}").ConfigureAwait(false);
                    return 1;
                }

                FileInfo file = parse.GetValue(output)!;
                await using Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using var target = new FileStream(file.FullName, FileMode.Create, FileAccess.Write, FileShare.Read, 64 * 1024, useAsync: true);
                byte[] buffer = new byte[64 * 1024];
                long total = 0;
                TimeSpan idleLimit = TimeSpan.FromSeconds(parse.GetValue(idle));
                while (true)
                {
                    using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    quiet.CancelAfter(idleLimit);
                    int n;
                    try
                    {
                        n = await body.ReadAsync(buffer, quiet.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }

                    if (n == 0)
                    {
                        break;
                    }

                    await target.WriteAsync(buffer.AsMemory(0, n), cancellationToken).ConfigureAwait(false);
                    total += n;
                }

                Console.WriteLine($"Wrote {total} bytes to {file.FullName}");
                return 0;
            }
        });

        return command;
    }

    private static string Request(string stream, string selector)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("StreamName", stream);
            writer.WriteStartObject("StartSelector");
            if (selector.StartsWith("FRAGMENT_NUMBER:", StringComparison.Ordinal))
            {
                writer.WriteString("StartSelectorType", "FRAGMENT_NUMBER");
                writer.WriteString("AfterFragmentNumber", selector["FRAGMENT_NUMBER:".Length..]);
            }
            else
            {
                writer.WriteString("StartSelectorType", selector);
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
