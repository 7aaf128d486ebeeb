using Microsoft.Extensions.Logging;

namespace Berth;

/// <summary>Console logging for the CLI: one line per message, Berth at Information, the framework at Warning.</summary>
internal static class Logging
{
    public static ILoggerFactory Create(bool verbose) => LoggerFactory.Create(b =>
    {
        b.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        b.SetMinimumLevel(verbose ? LogLevel.Debug : LogLevel.Information);
        b.AddFilter("Microsoft", LogLevel.Warning);
    });
}
