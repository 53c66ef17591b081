using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KvsProducer.Cli.Commands;

/// <summary><c>kvs fragments</c>: lists a stream's fragments with ListFragments (kvs-protocol.md §7.2).</summary>
internal static class FragmentsCommand
{
    internal static Uri Invalid(System.CommandLine.Parsing.ArgumentResult result)
    {
        result.AddError($"--endpoint '{result.Tokens[^1].Value}' is not an absolute URL such as http://127.0.0.1:{LocalCommand.DefaultPort}.");
        return null!;
    }

    internal static Command Create()
    {
        var stream = new Option<string>("--stream") { Description = "Stream name.", Required = true };
        var endpoint = new Option<Uri>("--endpoint") { CustomParser = r => Uri.TryCreate(r.Tokens[^1].Value, UriKind.Absolute, out Uri? uri) ? uri : Invalid(r),  Description = "Endpoint URL (a data endpoint for LIST_FRAGMENTS, or a local endpoint).", DefaultValueFactory = _ => new Uri($"http://127.0.0.1:{LocalCommand.DefaultPort}") };
        var json = new Option<bool>("--json") { Description = "Print the ListFragments responses' fragments as one JSON array." };
        var command = new Command("fragments", "List the fragments of a stream (unsigned requests: for a local endpoint without credentials).") { stream, endpoint, json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var http = new HttpClient { BaseAddress = parse.GetValue(endpoint), Timeout = TimeSpan.FromSeconds(30) };
            var fragments = new List<JsonElement>();
            string? nextToken = null;
            do
            {
                string body = Request(parse.GetValue(stream)!, nextToken);
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                HttpResponseMessage response;
                try
                {
                    response = await http.PostAsync("/listFragments", content, cancellationToken).ConfigureAwait(false);
                }
                catch (HttpRequestException e)
                {
                    await Console.Error.WriteLineAsync($"kvs fragments: cannot reach {http.BaseAddress}: {e.Message} (is `kvs local` running? pass --endpoint).").ConfigureAwait(false);
                    return 1;
                }

                using (response)
                {
                    string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                    if (!response.IsSuccessStatusCode)
                    {
                        await Console.Error.WriteLineAsync($"kvs fragments: {(int)response.StatusCode} {ErrorType(response)}: {text}").ConfigureAwait(false);
                        return 1;
                    }

                    using JsonDocument document = JsonDocument.Parse(text);
                    fragments.AddRange(document.RootElement.GetProperty("Fragments").EnumerateArray().Select(f => f.Clone()));
                    nextToken = document.RootElement.TryGetProperty("NextToken", out JsonElement token) ? token.GetString() : null;
                }
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
                return 0;
            }

            Console.WriteLine($"{"FragmentNumber",-47}  {"ProducerTimestamp",-24}  {"ServerTimestamp",-24}  {"Length ms",9}  {"Bytes",10}");
            foreach (JsonElement f in fragments)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{f.GetProperty("FragmentNumber").GetString(),-47}  {Time(f, "ProducerTimestamp"),-24}  {Time(f, "ServerTimestamp"),-24}  {f.GetProperty("FragmentLengthInMilliseconds").GetInt64(),9}  {f.GetProperty("FragmentSizeInBytes").GetInt64(),10}"));
            }

            Console.WriteLine($"{fragments.Count} fragment(s)");
            return 0;
        });

        return command;
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
