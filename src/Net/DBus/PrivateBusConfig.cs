using System.Security;
using OcciAgent.Net.Dhcp;

namespace OcciAgent.Net.DBus;

/// <summary>The config of the private dbus-daemon: one unix socket in the run directory,
/// EXTERNAL (uid) authentication, and only root and the agent's own user may connect (dnsmasq
/// connects before it drops privileges, so as root). Names under our prefix may be owned;
/// everything else is the session-bus style open policy, as only those users are on it.</summary>
internal static class PrivateBusConfig
{
    public static string Render(string socketPath, string pidFile, string agentUser)
    {
        var users = agentUser == "root" ? "    <allow user=\"root\"/>\n"
            : $"    <allow user=\"root\"/>\n    <allow user=\"{SecurityElement.Escape(agentUser)}\"/>\n";
        return $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
             "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <!-- Written by occi-agent for its dnsmasq lease signals; rewritten at every start. -->
            <busconfig>
              <type>occi-agent-dhcp</type>
              <listen>unix:path={SecurityElement.Escape(socketPath)}</listen>
              <auth>EXTERNAL</auth>
              <pidfile>{SecurityElement.Escape(pidFile)}</pidfile>
              <policy context="default">
            {users}    <allow own_prefix="{DhcpBusName.Prefix}"/>
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
              </policy>
            </busconfig>

            """;
    }
}
