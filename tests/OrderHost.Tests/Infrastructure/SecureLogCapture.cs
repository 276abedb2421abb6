using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace OrderHost.Tests.Infrastructure;

/// <summary>
/// Keeps every log entry of a host in memory as the text a log sink would receive: level, category,
/// formatted message, every structured value, every scope value and the exception with its stack
/// trace. Added with <see cref="AddTo"/> in the configure callback of <c>OrderHostApplication.Build</c>.
/// </summary>
public sealed class SecureLogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<string> Entries => [.. _entries];

    public int Count => _entries.Count;

    /// <summary>Adds this capture to the host's logging, with every category at <paramref name="minimumLevel"/>.</summary>
    public Action<WebApplicationBuilder> AddTo(LogLevel minimumLevel = LogLevel.Trace) => builder =>
    {
        builder.Logging.AddProvider(this);
        builder.Logging.AddFilter<SecureLogCapture>(null, minimumLevel);
    };

    /// <summary>The entries that contain <paramref name="text"/> (ordinal).</summary>
    public IReadOnlyList<string> Containing(string text) => [.. _entries.Where(e => e.Contains(text, StringComparison.Ordinal))];

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private void Add(string entry) => _entries.Enqueue(entry);

    private static void AppendValue(StringBuilder text, object? value)
    {
        switch (value)
        {
            case null:
                return;
            case string s:
                text.Append(s).Append(" | ");
                return;
            case IEnumerable<KeyValuePair<string, object?>> pairs:
                foreach (var (key, item) in pairs)
                {
                    text.Append(key).Append('=').Append(item).Append(" | ");
                }

                text.Append(value).Append(" | ");
                return;
            default:
                text.Append(value).Append(" | ");
                return;
        }
    }

    private sealed class CapturingLogger(SecureLogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull
            => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder();
            text.Append(logLevel).Append(' ').Append(category).Append('[').Append(eventId.Id).Append("] ");
            text.Append(formatter(state, exception)).Append(" | ");
            AppendValue(text, state);
            capture._scopes.ForEachScope((scope, sb) => AppendValue(sb, scope), text);
            if (exception is not null)
            {
                text.Append(exception);
            }

            capture.Add(text.ToString());
        }
    }
}
