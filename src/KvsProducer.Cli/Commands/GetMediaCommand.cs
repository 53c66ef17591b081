using System.CommandLine;
using System.Text;
using System.Text.Json;
using KvsProducer.Service;

namespace KvsProducer.Cli.Commands;

/// <summary><c>kvs get-media</c>: saves a stream's media with GetMedia (https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_dataplane_GetMedia.html).</summary>
internal static class GetMediaCommand
{
    internal static Command Create(ProducerConnection? shared = null)
    {
        var stream = new Option<string>("--stream", "-n") { Description = "Stream name.", Required = true };
        var output = new Option<FileInfo>("--output") { Description = "MKV file to write (the service's chunks, one self-contained MKV per fragment).", Required = true };
        var start = new Option<string>("--start") { Description = "Start selector: EARLIEST, NOW, or FRAGMENT_NUMBER:<n> (after n).", DefaultValueFactory = _ => "EARLIEST" };
        var idle = new Option<double>("--idle-seconds") { Description = "Stop after this many seconds without new data (GetMedia itself never ends).", DefaultValueFactory = _ => 2 };
        var connection = shared ?? new ProducerConnection();
        var command = new Command("get-media", "Save the media of a stream to an MKV file (signed GetMedia, with the same credentials as kvs stream).") { stream, output, start, idle };
        if (shared is null)
        {
            connection.AddTo(command);
        }
        command.SetAction((parse, cancellationToken) => CliErrors.RunAsync(command.Name, async () =>
        {
            var options = await connection.ResolveAsync(parse, cancellationToken).ConfigureAwait(false);
            string name = parse.GetValue(stream)!;
            using var client = await SignedReadClient.CreateAsync(options, name, DataEndpointApi.GetMedia, Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            using HttpResponseMessage response = await FragmentsCommand.SendAsync(client, "/getMedia", Encoding.UTF8.GetBytes(Request(name, parse.GetValue(start)!)), HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            {
                if (!response.IsSuccessStatusCode)
                {
                    string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    throw new KvsProducerException($"{(int)response.StatusCode} {FragmentsCommand.ErrorType(response)}: {text}");
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
            }
        }, cancellationToken, summarize: null));

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
