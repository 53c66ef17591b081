using System.Text.Json;

namespace KvsProducer.LocalEndpoint.Internal.ControlPlane;

/// <summary>
/// Turns a request-body <see cref="JsonException"/> into the service's answer with a message a
/// person can act on: the field and the kind of value it takes, never a .NET type name (issue 10).
/// A value of the wrong kind or out of a field's range is a validation error
/// (InvalidArgumentException); a body that is not JSON at all is a SerializationException.
/// </summary>
internal static class JsonErrors
{
    public static ServiceError Describe(JsonException e)
    {
        string? path = e.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return ServiceError.Serialization($"The request body is not a valid JSON object (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): send the operation's JSON request.");
        }

        string field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
        string message = e.Message;
        string expected =
            message.Contains("Int32", StringComparison.Ordinal) ? "an integer between -2147483648 and 2147483647" :
            message.Contains("Int64", StringComparison.Ordinal) ? "an integer" :
            message.Contains("Double", StringComparison.Ordinal) ? "a number (epoch seconds for timestamps)" :
            message.Contains("Boolean", StringComparison.Ordinal) ? "true or false" :
            message.Contains("String", StringComparison.Ordinal) ? "a string" :
            message.Contains("Dictionary", StringComparison.Ordinal) ? "an object of string values" :
            message.Contains("List", StringComparison.Ordinal) ? "an array" :
            "a value of the modeled type";
        return ServiceError.InvalidArgument($"1 validation error detected: Value at '{field}' failed to satisfy constraint: Member must be {expected}.");
    }
}
