namespace OcciAgent.Tests.Vms.Systemd;

/// <summary>A test that needs a real systemd and machined on a D-Bus: it runs only under
/// <c>../shared/tools/with-systemd</c>, which sets OCCI_TEST_SYSTEMD_BUS; anywhere else it is
/// reported as skipped with the reason (never silently passed).</summary>
public sealed class SystemdFactAttribute : FactAttribute
{
    public const string Variable = "OCCI_TEST_SYSTEMD_BUS";

    public SystemdFactAttribute()
    {
        if (string.IsNullOrEmpty(Bus))
            Skip = $"needs a real systemd: run under ../shared/tools/with-systemd ({Variable} is unset)";
    }

    public static string? Bus => Environment.GetEnvironmentVariable(Variable);
}
