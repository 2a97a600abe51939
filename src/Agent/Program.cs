using OcciAgent;
using OcciAgent.Config;
using OcciAgent.Store;

try
{
    var (command, options) = CommandLine.Parse(args, Environment.GetEnvironmentVariable);
    switch (command)
    {
        case CommandKind.Help:
            Console.WriteLine(CommandLine.Usage);
            return 0;
        case CommandKind.Version:
            Console.WriteLine($"occi-agent {AgentHost.Version}");
            return 0;
    }
    Directory.CreateDirectory(options.StateDir);
    using var stateLock = StateDirLock.Acquire(options.StateDir);
    await using var app = AgentHost.Build(options);
    await AgentHost.PrepareAsync(app, CancellationToken.None);
    await app.StartAsync();
    Log.Started(app.Services.GetRequiredService<ILogger<Program>>(), AgentHost.Version, string.Join(", ", app.Urls), Path.GetFullPath(options.StateDir));
    await app.WaitForShutdownAsync();
    return 0;
}
catch (ConfigException e)
{
    Console.Error.WriteLine($"occi-agent: {e.Message}");
    Console.Error.WriteLine("Try 'occi-agent --help'.");
    return 2;
}
catch (StateDirLockedException e)
{
    Console.Error.WriteLine($"occi-agent: {e.Message}");
    return 1;
}

public partial class Program;
