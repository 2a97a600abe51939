using OcciAgent.Config.Settings;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OcciAgent.Vms;
using OcciAgent.Networks;
using OcciAgent.Net.Dhcp;
using OcciAgent.Config;
using OcciAgent.Http;
using OcciAgent.Hypervisor.Volumes;
using OcciAgent.Occi.Catalog;
using OcciAgent.Security;
using OcciAgent.Services;
using OcciAgent.Storage;
using OcciAgent.Store;
using OcciAgent.Tls;

namespace OcciAgent;

/// <summary>Composition root: builds the web application for one state dir. The caller owns the
/// <see cref="StateDirLock"/> (taken before anything touches the state dir).</summary>
public static class AgentHost
{
    public static string Version =>
        typeof(AgentHost).Assembly.GetName().Version is { } v ? $"{v.Major}.{v.Minor}.{v.Build}" : "0.0.0";

    public static WebApplication Build(AgentOptions options, Action<ILoggingBuilder>? logging = null)
    {
        Directory.CreateDirectory(options.ImagesDir);
        Directory.CreateDirectory(options.VolumesDir);
        var tls = TlsCertificates.ForListeners(options);
        // The empty builder reads no appsettings.json, no ASPNETCORE_*/DOTNET_* variables and no
        // Kestrel section: the agent listens where its own settings say, and nowhere else.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseKestrelCore();
        ConfigureKestrel(builder, options, tls);
        ConfigureLogging(builder);
        logging?.Invoke(builder.Logging);
        AddServices(builder.Services, options, tls);
        var tokens = new TokenFile(options.StateDir);
        if (options.Http.Auth == AuthMode.Tokens)
            builder.Services.AddSingleton(sp => new TokenRegistry(tokens, sp.GetRequiredService<ILogger<TokenRegistry>>()));

        var app = builder.Build();
        UseRequestPipeline(app, options, tokens);
        return app;
    }

    private static void ConfigureKestrel(WebApplicationBuilder builder, AgentOptions options, TlsCertificates tls)
    {
        builder.WebHost.ConfigureKestrel(k =>
        {
            Listeners.Configure(k, options, tls);
            // text/occi carries whole renderings in headers: never truncate them (GFD.229 §7);
            // beyond these bounds Kestrel answers 431 (README "Limits").
            k.Limits.MaxRequestHeadersTotalSize = RequestLimits.MaxHeaderBytes;
            k.Limits.MaxRequestHeaderCount = RequestLimits.MaxHeaderCount;
            // RequestReader refuses a larger body itself with a message naming the setting;
            // Kestrel's bound is the backstop for bodies nobody reads.
            k.Limits.MaxRequestBodySize = options.MaxRequestBytes;
            // Titles and messages may be non-ASCII; header values are UTF-8 on both sides.
            // Content-Length keeps Kestrel's default (ASCII) parsing: its UTF-8 path decodes into a
            // 20-character buffer and drops the connection, unanswered, on a longer value; the
            // default path answers 400.
            k.RequestHeaderEncodingSelector = name => name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) ? null : Encoding.UTF8;
            k.ResponseHeaderEncodingSelector = _ => Encoding.UTF8;
        });
    }

    private static void ConfigureLogging(WebApplicationBuilder builder)
    {
        Systemd.ConsoleFormat.Configure(builder.Logging, Systemd.ConsoleFormat.UseSystemdFormatHere());
        // One journal line per request would drown the agent's own records; failures are logged by the agent (5xx).
        builder.Logging.SetMinimumLevel(LogLevel.Information); // what the default builders read from appsettings.json
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // A listener that cannot be bound is reported by Program in one line, not as a stack trace
        // from Kestrel ("Unable to start Kestrel", critical) and the host ("Hosting failed to start",
        // error). The host runs no other service whose errors these would hide; any other start or
        // stop failure still ends the process with its exception.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Server.Kestrel", level => level is >= LogLevel.Warning and < LogLevel.Critical);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
    }

    /// <summary>The agent's singletons; Kestrel's buffer pools come from <see cref="BoundedBlockPoolFactory"/>
    /// (registered after UseKestrelCore, so it is the one resolved).</summary>
    private static void AddServices(IServiceCollection services, AgentOptions options, TlsCertificates tls)
    {
        var catalog = new OcciCatalog(options.SchemeBase);
        catalog.SetFlavours(options.Flavours.Select(f => Templates.ResourceTemplate(options.SchemeBase, f)));
        services.AddSingleton(options);
        services.AddSingleton(tls);
        services.AddSingleton(new RequestLimits(options));
        services.AddSingleton(catalog);
        services.AddSingleton<IEntityStore>(_ => new LiteDbEntityStore(options.DatabasePath));
        services.AddSingleton(_ => new QemuImg(options.QemuImg));
        services.AddSingleton<IVolumeDriver>(sp => new Qcow2VolumeDriver(sp.GetRequiredService<QemuImg>()));
        services.AddSingleton(sp => new StorageBackend(sp.GetRequiredService<IVolumeDriver>(), options.VolumesDir));
        services.AddSingleton(sp => new ImageLibrary(options.ImagesDir, catalog, sp.GetRequiredService<ILogger<ImageLibrary>>()));
        services.AddSingleton<ImageWatcher>();
        services.AddNetworking(options);
        services.AddSingleton<VmStatusChanges>();
        services.AddSingleton<ComputeHost>();
        services.AddSingleton<IComputeHost>(sp => sp.GetRequiredService<ComputeHost>());
        services.AddSingleton<ComputeSpecBuilder>();
        services.AddSingleton<ImageCapture>();
        services.AddSingleton<ComputeKindBackend>();
        services.AddHostedService<VmStatusRecorder>();
        // Host effects per kind (IKindBackend); they reconcile in EntityService.ReconcileOrder.
        services.AddSingleton<IKindBackend, StorageKindBackend>();
        services.AddSingleton<IKindBackend>(sp => sp.GetRequiredService<ComputeKindBackend>());
        services.AddSingleton<IKindBackend, StorageLinkBackend>();
        services.AddSingleton<EntityService>();
        services.AddSingleton<MediaTypes>();
        services.AddSingleton(new AgentInfo(Version, options.MaxPageSize));
        services.AddSingleton<MemoryTrim>();
        services.AddSingleton<BoundedBlockPoolFactory>();
        services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>>(sp => sp.GetRequiredService<BoundedBlockPoolFactory>());
        services.AddSingleton<OcciHandler>();
        services.AddSingleton<HostEndpoints>();
    }

    /// <summary>First-start admin token, then the access gate before every handler, then the
    /// host endpoints and the OCCI handler.</summary>
    private static void UseRequestPipeline(WebApplication app, AgentOptions options, TokenFile tokens)
    {
        var startLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(AgentHost).FullName!);
        if (options.Http.Auth == AuthMode.None) Log.AuthNone(startLog);
        else if (!tokens.Exists)
        {
            // First start: an admin token, readable only by the agent's user, so curl works at once.
            TokenCommand.Create(tokens, "admin", Role.Admin,
                token => TokenFile.WriteAtomically(tokens.AdminTokenPath, Encoding.UTF8.GetBytes(token + "\n")));
            Log.AdminTokenCreated(startLog, Path.GetFullPath(tokens.AdminTokenPath));
        }
        var gate = new AccessGate(new BrowserGuard(options.Listen, options.AllowedHosts, options.AllowedOrigins),
            options.Http.Auth == AuthMode.Tokens ? app.Services.GetRequiredService<TokenRegistry>() : null,
            options.SocketGroup, app.Services.GetRequiredService<ILogger<AccessGate>>());
        app.Use((ctx, next) => gate.InvokeAsync(ctx, () => next(ctx)));
        var handler = app.Services.GetRequiredService<OcciHandler>();
        var extensions = app.Services.GetRequiredService<HostEndpoints>();
        app.Run(async ctx =>
        {
            if (await extensions.TryHandleAsync(ctx)) return;
            await handler.HandleAsync(ctx);
        });
    }

    /// <summary>Start-up work before serving, in this order: watch and scan images/ (os_tpl
    /// mixins that stored entities name), probe QEMU and pick the launcher (reattaching VMs needs
    /// it), start the DHCP bus (networks reconcile their DHCP servers), load user mixins, then
    /// reconcile the store with the host (backends in <see cref="EntityService.ReconcileOrder"/>,
    /// then interrupted changes). VM status changes reported meanwhile wait in
    /// <see cref="VmStatusChanges"/> until <see cref="VmStatusRecorder"/> starts with the host.</summary>
    public static async Task PrepareAsync(WebApplication app, CancellationToken ct)
    {
        app.Services.GetRequiredService<ImageWatcher>().Start();
        app.Services.GetRequiredService<ImageLibrary>().Refresh();
        await app.Services.GetRequiredService<ComputeHost>().ProbeAsync(ct);
        await app.Services.GetRequiredService<NetworkHost>().StartDhcpAsync(ct);
        var service = app.Services.GetRequiredService<EntityService>();
        service.LoadUserMixins();
        await service.ReconcileAsync(ct);
    }
}
