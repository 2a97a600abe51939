using System.Text.Json;
using Microsoft.Extensions.Logging;
using OcciAgent.Config;
using OcciAgent.Occi.Catalog;

namespace OcciAgent.Storage;

/// <summary>Publishes one os_tpl mixin per <c>images/NAME.qcow2</c> (GFD.224 §3.5.1),
/// with the optional sidecar <c>NAME.json</c> (title; kernel, initrd, cmdline for direct kernel
/// boot, relative to images/). <see cref="ImageWatcher"/> rescans when the directory changes, so
/// a dropped-in image shows up without a restart.</summary>
public sealed class ImageLibrary(string imagesDir, OcciCatalog catalog, ILogger<ImageLibrary> log)
{
    private readonly object _gate = new();

    public string ImagesDir { get; } = Path.GetFullPath(imagesDir);

    /// <summary>How many times the directory was scanned (start, changes, saves).</summary>
    public int Scans { get; private set; }

    /// <summary>Scans images/ and publishes what it holds (start, <see cref="ImageWatcher"/>, a save).</summary>
    public void Refresh()
    {
        var dir = new DirectoryInfo(ImagesDir);
        lock (_gate)
        {
            Scans++;
            var mixins = dir.Exists ? Scan(dir).ToList() : [];
            catalog.SetOsTemplates(mixins);
            Log.ImagesLoaded(log, mixins.Count, ImagesDir);
        }
    }

    private IEnumerable<Occi.Model.Mixin> Scan(DirectoryInfo dir)
    {
        var terms = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in dir.EnumerateFiles("*.qcow2").OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(file.Name);
            var term = Templates.SanitiseTerm(name);
            if (term is null || !terms.Add(term))
            {
                Log.ImageSkipped(log, file.FullName, term is null ? "no usable term in its name" : $"term '{term}' is taken by another image");
                continue;
            }
            ImageSidecar sidecar = new();
            var sidecarPath = Path.Combine(dir.FullName, name + ".json");
            if (File.Exists(sidecarPath))
            {
                try
                {
                    sidecar = JsonSerializer.Deserialize(File.ReadAllText(sidecarPath), ConfigJsonContext.Default.ImageSidecar) ?? new();
                }
                catch (Exception e) when (e is JsonException or IOException)
                {
                    Log.ImageSkipped(log, file.FullName, $"sidecar {sidecarPath} is not valid: {e.Message}");
                    continue;
                }
            }
            string? Resolve(string? rel, string what)
            {
                if (rel is null) return null;
                var full = Path.GetFullPath(Path.Combine(dir.FullName, rel));
                if (!full.StartsWith(dir.FullName + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new InvalidDataException($"{what} '{rel}' lies outside {dir.FullName}");
                if (!File.Exists(full)) throw new InvalidDataException($"{what} '{full}' does not exist");
                return full;
            }
            ImageInfo info;
            try
            {
                info = new ImageInfo(term, file.FullName, Resolve(sidecar.Kernel, "kernel"), Resolve(sidecar.Initrd, "initrd"), sidecar.Cmdline);
            }
            catch (InvalidDataException e)
            {
                Log.ImageSkipped(log, file.FullName, e.Message);
                continue;
            }
            yield return Templates.OsTemplate(catalog.SchemeBase, info, sidecar.Title);
        }
    }
}
