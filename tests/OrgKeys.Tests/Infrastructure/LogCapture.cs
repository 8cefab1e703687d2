using System.Collections.Concurrent;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrgKeys.Tests.Infrastructure;

public sealed record CapturedLog(string Category, LogLevel Level, string Text);

/// <summary>
/// Every log entry the service writes, at every level: the formatted message, the exception with its
/// stack, every structured value of the state, and every scope around it.
/// </summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<CapturedLog> _entries = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<CapturedLog> Entries => _entries;

    /// <summary>Adds the capture with its own rule, so the service's "Warning" for framework categories does not apply to it.</summary>
    public void AddTo(IServiceCollection services) => services.AddLogging(logging => logging
        .SetMinimumLevel(LogLevel.Trace)
        .AddProvider(this)
        .AddFilter<LogCapture>(null, LogLevel.Trace));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => capture._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new StringBuilder(formatter(state, exception));
            AppendValues(text, state);
            if (exception is not null)
            {
                text.AppendLine().Append(exception);
            }

            capture._scopes.ForEachScope((scope, builder) =>
            {
                builder.AppendLine().Append("scope: ").Append(scope);
                AppendValues(builder, scope);
            }, text);
            capture._entries.Enqueue(new CapturedLog(category, logLevel, text.ToString()));
        }

        private static void AppendValues(StringBuilder text, object? state)
        {
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    text.AppendLine().Append(key).Append(" = ").Append(value is System.Collections.IEnumerable list and not string
                        ? string.Join(", ", list.Cast<object?>())
                        : value);
                }
            }
        }
    }
}
