using System.Collections;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// Finished spans of a host, collected by OpenTelemetry's in-memory exporter (thread-safe: spans end on
/// many threads). Hooked in with <see cref="AddTo"/> in the configure callback of <c>OrderHostApplication.Build</c>.
/// </summary>
public sealed class TraceCollection : ICollection<Activity>
{
    private readonly List<Activity> _spans = [];

    public int Count
    {
        get
        {
            lock (_spans)
            {
                return _spans.Count;
            }
        }
    }

    public bool IsReadOnly => false;

    /// <summary>
    /// Adds the in-memory exporter to the host's tracer provider (sources and instrumentation stay the host's own).
    /// Without an OTLP endpoint the host records only what a caller's traceparent sampled; <paramref name="sampleAll"/>
    /// sets OTEL_TRACES_SAMPLER=parentbased_always_on, what the host does with an OTLP endpoint.
    /// </summary>
    public Action<WebApplicationBuilder> AddTo(bool sampleAll = true) => builder =>
    {
        if (sampleAll)
        {
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["OTEL_TRACES_SAMPLER"] = "parentbased_always_on" });
        }

        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(this));
    };

    public IReadOnlyList<Activity> Snapshot()
    {
        lock (_spans)
        {
            return [.. _spans];
        }
    }

    public void Add(Activity item)
    {
        lock (_spans)
        {
            _spans.Add(item);
        }
    }

    public void Clear()
    {
        lock (_spans)
        {
            _spans.Clear();
        }
    }

    public bool Contains(Activity item)
    {
        lock (_spans)
        {
            return _spans.Contains(item);
        }
    }

    public void CopyTo(Activity[] array, int arrayIndex)
    {
        lock (_spans)
        {
            _spans.CopyTo(array, arrayIndex);
        }
    }

    public bool Remove(Activity item)
    {
        lock (_spans)
        {
            return _spans.Remove(item);
        }
    }

    public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
