using System.Text.Json;
using System.Text.Json.Serialization;

namespace OrderHost.Host.Http;

/// <summary>
/// What a JSON request body may be, for every endpoint (FastEndpoints' and the minimal API's): exactly the
/// README's names and types. Both start from the serializer's web defaults, which read <c>"39.98"</c> as a
/// number and <c>"Total"</c> as <c>total</c>; a body then means one thing to this host, a proxy and a log alike.
/// </summary>
internal static class StrictJson
{
    public static void Apply(JsonSerializerOptions options)
    {
        options.NumberHandling = JsonNumberHandling.Strict;
        options.PropertyNameCaseInsensitive = false;
        options.ReadCommentHandling = JsonCommentHandling.Disallow;
        options.AllowTrailingCommas = false;
        options.AllowDuplicateProperties = false;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
    }
}
