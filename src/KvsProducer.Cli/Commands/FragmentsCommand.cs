using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KvsProducer.Service;

namespace KvsProducer.Cli.Commands;

/// <summary><c>kvs fragments</c>: lists a stream's fragments with ListFragments (https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_reader_ListFragments.html).</summary>
internal static class FragmentsCommand
{
    internal static Command Create(ProducerConnection? shared = null)
    {
        var stream = new Option<string>("--stream", "-n") { Description = "Stream name.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the ListFragments responses' fragments as one JSON array." };
        var connection = shared ?? new ProducerConnection();
        var command = new Command("fragments", "List the fragments of a stream (signed ListFragments, with the same credentials as kvs stream).") { stream, json };
        if (shared is null)
        {
            connection.AddTo(command);
        }
        command.SetAction((parse, cancellationToken) => CliErrors.RunAsync(command.Name, async () =>
        {
            var options = await connection.ResolveAsync(parse, cancellationToken).ConfigureAwait(false);
            string name = parse.GetValue(stream)!;
            using var client = await SignedReadClient.CreateAsync(options, name, DataEndpointApi.ListFragments, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
            var fragments = new List<JsonElement>();
            string? nextToken = null;
            do
            {
                using HttpResponseMessage response = await SendAsync(client, "/listFragments", Encoding.UTF8.GetBytes(Request(name, nextToken)), HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
                string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new KvsProducerException($"{(int)response.StatusCode} {ErrorType(response)}: {text}");
                }

                using JsonDocument document = JsonDocument.Parse(text);
                fragments.AddRange(document.RootElement.GetProperty("Fragments").EnumerateArray().Select(f => f.Clone()));
                nextToken = document.RootElement.TryGetProperty("NextToken", out JsonElement token) ? token.GetString() : null;
            }
            while (nextToken is not null);

            if (parse.GetValue(json))
            {
                using var buffer = new MemoryStream();
                await using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
                {
                    writer.WriteStartArray();
                    foreach (JsonElement fragment in fragments)
                    {
                        fragment.WriteTo(writer);
                    }

                    writer.WriteEndArray();
                }

                Console.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
                return;
            }

            Console.WriteLine($"{"FragmentNumber",-47}  {"ProducerTimestamp",-24}  {"ServerTimestamp",-24}  {"Length ms",9}  {"Bytes",10}");
            foreach (JsonElement f in fragments)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{f.GetProperty("FragmentNumber").GetString(),-47}  {Time(f, "ProducerTimestamp"),-24}  {Time(f, "ServerTimestamp"),-24}  {f.GetProperty("FragmentLengthInMilliseconds").GetInt64(),9}  {f.GetProperty("FragmentSizeInBytes").GetInt64(),10}"));
            }

            Console.WriteLine($"{fragments.Count} fragment(s)");
        }, cancellationToken, summarize: null));

        return command;
    }

    /// <summary>Sends, turning "cannot connect" into one line that says what to check.</summary>
    internal static async Task<HttpResponseMessage> SendAsync(SignedReadClient client, string path, byte[] body, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        try
        {
            return await client.PostAsync(path, body, completion, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new KvsProducerException($"cannot reach {client.Endpoint}: {e.Message} (is `kvs local` running? check --endpoint-url).", e);
        }
    }

    internal static string ErrorType(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-ErrorType", out IEnumerable<string>? values) ? values.First().Split(':')[0] : "error";

    private static string Time(JsonElement fragment, string name) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(fragment.GetProperty(name).GetDouble() * 1000)).ToString("yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private static string Request(string stream, string? nextToken)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("StreamName", stream);
            if (nextToken is not null)
            {
                writer.WriteString("NextToken", nextToken);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
