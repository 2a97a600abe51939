using System.Runtime.Versioning;

// These tests drive Linux tools (ip netns, dnsmasq, dbus-daemon) and Unix file modes.
[assembly: SupportedOSPlatform("linux")]
