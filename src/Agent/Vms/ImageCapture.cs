using System.Text.Json;
using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Hypervisor.Vm;
using OcciAgent.Hypervisor.Volumes;
using OcciAgent.Occi.Catalog;
using OcciAgent.Occi.Model;
using OcciAgent.Services;
using OcciAgent.Storage;

namespace OcciAgent.Vms;

/// <summary>The compute <c>save</c> action (GFD.224 §3.1): the root disk becomes
/// a new image <c>images/NAME.qcow2</c> (standalone: the backing chain is flattened) with a
/// sidecar carrying the original image's kernel, initrd and cmdline, so the image library
/// publishes it as a new os_tpl usable for new computes. The file appears under its final name
/// only when complete (written as a hidden temporary, then renamed).</summary>
public sealed class ImageCapture(ImageLibrary images, IVolumeDriver driver, ComputeSpecBuilder specs, OcciCatalog catalog,
    ILogger<ImageCapture> log)
{
    /// <summary>Checks the name and returns the os_tpl term the image will get.</summary>
    public string PlanTerm(Entity e, string? name)
    {
        if (specs.RootDisk(e) is null)
            throw AgentException.Conflict($"compute {e.Id} has no root disk of its own (no os_tpl), so there is nothing to save as an image");
        var term = name is null
            ? $"saved-{new string(e.Id.Where(char.IsAsciiLetterOrDigit).Take(8).ToArray())}-{DateTime.UtcNow:yyyyMMddHHmmss}"
            : Templates.SanitiseTerm(name) ?? throw AgentException.Invalid($"save: name '{name}' has no letters or digits to name an image with");
        if (File.Exists(ImagePath(term)))
            throw AgentException.Conflict($"save: an image named '{term}' exists already in {images.ImagesDir}; choose another name");
        return term;
    }

    public string ImagePath(string term) => Path.Combine(images.ImagesDir, term + ".qcow2");

    /// <summary>Copies the root disk of a VM that is not running (qemu-img convert).</summary>
    public Task<Mixin> CaptureOfflineAsync(Entity e, string term, CancellationToken ct) =>
        CaptureAsync(e, term, tmp => driver.CopyAsync(specs.RootDisk(e)!.Path, tmp, ct), ct);

    /// <summary>Copies the root disk of a running VM without stopping it (QMP drive-backup).</summary>
    public Task<Mixin> CaptureLiveAsync(IVirtualMachine vm, Entity e, string term, CancellationToken ct) =>
        CaptureAsync(e, term, tmp => vm.CopyDiskAsync(specs.RootDisk(e)!, tmp, ct), ct);

    private async Task<Mixin> CaptureAsync(Entity e, string term, Func<string, Task> copy, CancellationToken ct)
    {
        Directory.CreateDirectory(images.ImagesDir);
        var tmp = Path.Combine(images.ImagesDir, $".{term}.partial");
        var final = ImagePath(term);
        try
        {
            File.Delete(tmp);
            await copy(tmp);
            var source = specs.ImageOf(e);
            var sidecar = new ImageSidecar
            {
                Title = $"{term} (saved from compute {e.GetString("occi.core.title") ?? e.Id})",
                Kernel = Relative(source?.Kernel),
                Initrd = Relative(source?.Initrd),
                Cmdline = source?.Cmdline,
            };
            await File.WriteAllTextAsync(Path.Combine(images.ImagesDir, term + ".json"),
                JsonSerializer.Serialize(sidecar, ConfigJsonContext.Default.ImageSidecar), ct);
            if (File.Exists(final))
                throw AgentException.Conflict($"save: an image named '{term}' appeared in {images.ImagesDir} meanwhile");
            File.Move(tmp, final);
            Log.ImageSaved(log, e.Id, final);
        }
        finally
        {
            File.Delete(tmp);
        }
        images.Refresh();
        return catalog.Current.Mixins.FirstOrDefault(m => m.Backing is ImageInfo i && i.Path == final)
            ?? throw new InvalidOperationException($"the saved image {final} was not published by the image library");
    }

    /// <summary>At start: the hidden temporaries of saves a kill interrupted (only the agent
    /// writes <c>.NAME.partial</c> in images/; the images themselves are the user's).</summary>
    public void RemovePartials() => OrphanSweep.Partials(images.ImagesDir, log);

    private string? Relative(string? path) => path is null ? null : Path.GetRelativePath(images.ImagesDir, path);
}
