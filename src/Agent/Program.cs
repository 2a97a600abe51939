using OcciAgent;
using OcciAgent.Check;
using OcciAgent.Config;
using OcciAgent.Services;
using OcciAgent.Store;
using OcciAgent.Systemd;
using OcciAgent.Tls;

// Before anything is written: every file, directory and socket the agent and its children (QEMU,
// qemu-img, dnsmasq) make is private unless opened on purpose (README "Files and their modes").
PosixAccess.SetPrivateUmask();
// SIGHUP means "reload the certificate", never "terminate", from the very start.
Action? onSighup = null;
using var sighup = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGHUP, ctx =>
{
    ctx.Cancel = true;
    onSighup?.Invoke();
});
try
{
    var invocation = CommandLine.Read(args, Environment.GetEnvironmentVariable);
    var options = invocation.Options!;
    switch (invocation.Kind)
    {
        case CommandKind.Help or CommandKind.Completion or CommandKind.Suggest:
            return CommandLine.Print(invocation, Console.Out);
        case CommandKind.Version:
            Console.WriteLine($"occi-agent {AgentHost.Version}");
            return 0;
        case CommandKind.Check:
            return await HostCheck.RunAsync(options, options.ConfigPath, Console.Out, CancellationToken.None);
        case CommandKind.Token:
            return OcciAgent.Security.TokenCommand.Run(invocation.Token!, options, Console.Out);
    }
    // Before any child process starts: QEMU and dnsmasq must not inherit NOTIFY_SOCKET.
    using var notifier = SdNotifier.FromEnvironment();
    StateDirModes.Apply(options);
    using var stateLock = StateDirLock.Acquire(options.StateDir);
    await using var app = AgentHost.Build(options);
    await AgentHost.PrepareAsync(app, CancellationToken.None);
    var log = app.Services.GetRequiredService<ILogger<Program>>();
    foreach (var open in options.Listen.Select(ListenUrl.Parse).Where(u => u.IsInsecureRemote)) Log.InsecureRemote(log, open.Url);
    using var tls = app.Services.GetRequiredService<TlsCertificates>();
    if (tls.Generated) Log.TlsGenerated(log, tls.CertificatePath!);
    if (tls.Current is { } cert) Log.TlsCertificate(log, cert.CertificatePath, cert.Fingerprint, cert.Pin);
    app.Lifetime.ApplicationStopping.Register(() =>
    {
        if (notifier.Stopping("stopping; VMs keep running")) Log.NotifiedStopping(log);
    });
    try
    {
        await app.StartAsync();
    }
    catch (Exception e) when (OcciAgent.Http.Listeners.DescribeBindFailure(e, options) is { } line)
    {
        Console.Error.WriteLine($"occi-agent: {line}");
        return 1;
    }
    OcciAgent.Http.Listeners.GrantSocketGroup(options, log);
    tls.Watch(log);
    onSighup = () => tls.Reload("SIGHUP", force: true);
    Log.Started(log, AgentHost.Version, string.Join(", ", app.Urls), Path.GetFullPath(options.StateDir));
    // READY=1 only now: Kestrel listens and the start-up reconcile is done (PrepareAsync).
    var status = $"serving {string.Join(", ", app.Urls)}, state dir {Path.GetFullPath(options.StateDir)}";
    if (notifier.Ready(status)) Log.NotifiedReady(log, status);
    else if (notifier.Enabled) Log.NotifyFailed(log, notifier.SocketPath!);
    await using var watchdog = notifier.WatchdogInterval is null ? null
        : new Watchdog(notifier, new AgentHealthProbe(app.Services.GetRequiredService<EntityService>(), AgentHealthProbe.LoopbackUrl(app.Urls)).ProbeAsync, log);
    if (watchdog is not null) Log.WatchdogEnabled(log, (long)watchdog.Period.TotalMilliseconds, (long)notifier.WatchdogInterval!.Value.TotalMilliseconds);
    await app.WaitForShutdownAsync();
    return 0;
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"occi-agent: {e.Message}");
    if (e.ShowUsage) Console.Error.WriteLine($"Try '{e.HelpCommand} --help'.");
    return 2;
}
catch (TlsCertificateException e)
{
    Console.Error.WriteLine($"occi-agent: {e.Message}");
    return 2;
}
catch (StateDirLockedException e)
{
    Console.Error.WriteLine($"occi-agent: {e.Message}");
    return 1;
}

public partial class Program;
