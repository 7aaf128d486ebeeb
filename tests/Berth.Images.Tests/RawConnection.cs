using System.Net.Sockets;
using System.Text;

namespace Berth.Images.Tests;

/// <summary>One HTTP/1.x response read off a raw connection.</summary>
public sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

/// <summary>A raw TCP connection that writes request bytes as given and parses responses one by one.</summary>
public sealed class RawConnection(TcpClient client) : IDisposable
{
    private readonly NetworkStream _stream = client.GetStream();
    private readonly List<byte> _buffer = [];

    public async Task SendAsync(string request) =>
        await _stream.WriteAsync(Encoding.ASCII.GetBytes(request), TestContext.Current.CancellationToken);

    /// <summary>
    /// Reads one response (Content-Length framed; with <paramref name="headOnly"/>, the answer to a HEAD request,
    /// which has no body); null when the server closed the connection first.
    /// </summary>
    public async Task<RawResponse?> ReadResponseAsync(bool headOnly = false, TimeSpan? timeout = null)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout ?? TimeSpan.FromSeconds(10));
        int headerEnd;
        while ((headerEnd = IndexOfHeaderEnd()) < 0)
        {
            if (!await FillAsync(cts.Token))
            {
                return null;
            }
        }
        var head = Encoding.ASCII.GetString([.. _buffer.Take(headerEnd)]).Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in head.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            headers[line[..colon]] = line[(colon + 1)..].Trim();
        }
        var length = headOnly ? 0 : int.Parse(headers["Content-Length"], System.Globalization.CultureInfo.InvariantCulture);
        while (_buffer.Count < headerEnd + 4 + length)
        {
            if (!await FillAsync(cts.Token))
            {
                return null;
            }
        }
        var body = Encoding.UTF8.GetString([.. _buffer.Skip(headerEnd + 4).Take(length)]);
        _buffer.RemoveRange(0, headerEnd + 4 + length);
        return new RawResponse(status, headers, body);
    }

    /// <summary>True when the server closes the connection (EOF or reset) with no more bytes sent.</summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan timeout)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            return !await FillAsync(cts.Token) && _buffer.Count == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<bool> FillAsync(CancellationToken ct)
    {
        var chunk = new byte[8192];
        int n;
        try
        {
            n = await _stream.ReadAsync(chunk, ct);
        }
        catch (IOException)
        {
            return false; // reset by the server
        }
        _buffer.AddRange(chunk.AsSpan(0, n));
        return n > 0;
    }

    private int IndexOfHeaderEnd()
    {
        for (var i = 0; i + 3 < _buffer.Count; i++)
        {
            if (_buffer[i] == '\r' && _buffer[i + 1] == '\n' && _buffer[i + 2] == '\r' && _buffer[i + 3] == '\n')
            {
                return i;
            }
        }
        return -1;
    }

    public void Dispose()
    {
        _stream.Dispose();
        client.Dispose();
    }
}
