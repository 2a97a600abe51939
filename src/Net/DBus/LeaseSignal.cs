using OcciAgent.Net.Dhcp;
using Tmds.DBus.Protocol;

namespace OcciAgent.Net.DBus;

/// <summary>One dnsmasq lease signal: <c>DhcpLeaseAdded/Updated/Deleted(s ip, s mac, s hostname)</c>.</summary>
internal readonly record struct LeaseSignal(DhcpLeaseChange Change, string Address, string Mac, string? Hostname)
{
    /// <summary>Match rule for every signal one dnsmasq instance sends. dnsmasq 2.90 uses its
    /// (per-instance) service name as the signal interface; the sender is matched by that
    /// well-known name too, so another client on a shared bus cannot forge leases.</summary>
    public static MatchRule Rule(string busName) => new()
    {
        Type = MessageType.Signal,
        Sender = busName,
        Interface = busName,
        Path = DhcpBusName.SignalPath,
    };

    /// <summary>Reads a message into a signal: null signal for dnsmasq's other signals (Up and
    /// such), an error text for a lease signal of another shape. Never throws, so one odd message
    /// cannot end the subscription.</summary>
    public static (LeaseSignal? Signal, string? Error) Read(Message m, object? state)
    {
        try
        {
            return (Parse(m), null);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or IndexOutOfRangeException)
        {
            return (null, $"{m.MemberAsString}: {e.Message}");
        }
    }

    private static LeaseSignal? Parse(Message m)
    {
        DhcpLeaseChange change;
        switch (m.MemberAsString)
        {
            case "DhcpLeaseAdded": change = DhcpLeaseChange.Added; break;
            case "DhcpLeaseUpdated": change = DhcpLeaseChange.Updated; break;
            case "DhcpLeaseDeleted": change = DhcpLeaseChange.Deleted; break;
            default: return null;
        }
        if (m.SignatureAsString != "sss")
            throw new FormatException($"{m.MemberAsString} has signature '{m.SignatureAsString}', expected 'sss'");
        var r = m.GetBodyReader();
        var address = r.ReadString();
        var mac = r.ReadString();
        var host = r.ReadString();
        return new LeaseSignal(change, address, mac.ToLowerInvariant(), host.Length == 0 ? null : host);
    }
}
