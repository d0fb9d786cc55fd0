using System.Net;
using System.Net.Sockets;

namespace McpStack.Testing;

/// <summary>
/// Ports for test servers that must know each other's address before they start. A port the OS handed out for
/// <c>bind(0)</c> comes from the ephemeral range, which outgoing connections also draw from: between closing the probe
/// and Kestrel binding, any client socket in the run can take it ("address already in use", seen in CI). So ports
/// come from below that range, where the OS never assigns one by itself, in a sequence no two calls in this process
/// share; a random start keeps test assemblies running side by side apart, and each port is checked free before use.
/// </summary>
public static class FreePort
{
    private const int Lowest = 10_000;

    private static readonly int Highest = EphemeralRangeStart() - 1;

    private static int _next = Lowest + Random.Shared.Next(Highest - Lowest);

    /// <summary>A TCP port on 127.0.0.1 that was free a moment ago and that no other call here returned.</summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 1_000; attempt++)
        {
            var port = Lowest + (Interlocked.Increment(ref _next) - Lowest) % (Highest - Lowest + 1);
            if (IsFree(port))
            {
                return port;
            }
        }

        throw new InvalidOperationException($"No free port on 127.0.0.1 between {Lowest} and {Highest}.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    // Linux says where its ephemeral range starts; elsewhere, the IANA dynamic range's start is the usual one.
    private static int EphemeralRangeStart()
    {
        const string rangeFile = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(rangeFile)
            && int.TryParse(File.ReadAllText(rangeFile).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries)[0], out var start)
            && start > Lowest + 1_000
                ? start
                : 49_152;
    }
}
