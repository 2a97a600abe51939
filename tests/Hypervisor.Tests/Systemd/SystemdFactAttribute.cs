namespace OcciAgent.Hypervisor.Tests.Systemd;

/// <summary>A test that needs a real systemd and machined on a D-Bus: it runs only under
/// a with-systemd container (as <c>.ci/run</c> does), which sets OCCI_TEST_SYSTEMD_BUS; anywhere else it is
/// reported as skipped with the reason (never silently passed).</summary>
public sealed class SystemdFactAttribute : FactAttribute
{
    public const string Variable = "OCCI_TEST_SYSTEMD_BUS";

    public SystemdFactAttribute()
    {
        if (string.IsNullOrEmpty(Bus))
            Skip = $"needs a real systemd: run under a with-systemd container as .ci/run does ({Variable} is unset)";
    }

    public static string? Bus => Environment.GetEnvironmentVariable(Variable);
}
