// A free TCP port on loopback, for the servers a test starts.
using System.Net;
using System.Net.Sockets;

namespace Basketball.TestSupport;

public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
