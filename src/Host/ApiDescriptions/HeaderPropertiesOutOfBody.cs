using System.Reflection;
using System.Text.Json;
using Newtonsoft.Json.Linq;
using NSwag.Generation.AspNetCore;
using NSwag.Generation.Processors;
using NSwag.Generation.Processors.Contexts;
using OrderHost.Host.Http;

namespace OrderHost.Host.ApiDescriptions;

/// <summary>
/// Header-bound properties are parameters, not body fields: the request body schema leaves them out, as
/// <see cref="StrictJson"/> leaves them out of what a body may carry; so does the body's example, which can be sent as is.
/// </summary>
internal sealed class HeaderPropertiesOutOfBody : IOperationProcessor
{
    public bool Process(OperationProcessorContext context)
    {
        var body = context.OperationDescription.Operation.RequestBody?.Content.Values.FirstOrDefault()?.Schema?.ActualSchema;
        var bodyType = (context as AspNetCoreOperationProcessorContext)?.ApiDescription.ParameterDescriptions
            .FirstOrDefault(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body)?.Type;
        if (body is null || bodyType is null)
        {
            return true;
        }

        foreach (var property in bodyType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(StrictJson.IsHeaderBound))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            body.Properties.Remove(name);
            (body.Example as JObject)?.Remove(name);
        }

        // The example is a body to send as is: optional fields it leaves unset are left out, not sent as null.
        if (body.Example is JObject example)
        {
            foreach (var unset in example.Properties().Where(p => p.Value.Type == JTokenType.Null).ToList())
            {
                unset.Remove();
            }
        }

        return true;
    }
}
