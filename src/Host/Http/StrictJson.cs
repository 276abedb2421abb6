using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FastEndpoints;

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
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(DropHeaderProperties);
    }

    /// <summary>
    /// A property bound from a header (<c>Idempotency-Key</c>) is not a body field: without it in the contract a body
    /// that carries it is an unknown property, a 400, and there is one way to send the value, not two.
    /// </summary>
    public static bool IsHeaderBound(ICustomAttributeProvider? member)
        => member?.IsDefined(typeof(FromHeaderAttribute), inherit: true) == true;

    private static void DropHeaderProperties(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = type.Properties.Count - 1; i >= 0; i--)
        {
            if (IsHeaderBound(type.Properties[i].AttributeProvider))
            {
                type.Properties.RemoveAt(i);
            }
        }
    }
}
