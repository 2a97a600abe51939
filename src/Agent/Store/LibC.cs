using System.Runtime.InteropServices;

namespace OcciAgent.Store;

/// <summary>The few libc calls StateDirLock needs. Source-generated [LibraryImport] stubs, so no
/// run-time marshalling code is emitted (AOT-safe).</summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc";

    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;
    internal const int O_RDONLY = 0;
    internal const int O_CLOEXEC = 0x80000;

    [LibraryImport(Lib, EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(nint fd, int operation);

    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int fd, byte* buffer, nint count);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    /// <summary>Reads up to <paramref name="max"/> bytes without taking any lock. Every .NET
    /// open takes flock (LOCK_SH for readers), which fails while the owner holds LOCK_EX.</summary>
    internal static byte[]? ReadWithoutLock(string path, int max)
    {
        var fd = Open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) return null;
        try
        {
            var buffer = new byte[max];
            nint n;
            fixed (byte* p = buffer) n = Read(fd, p, max);
            return n < 0 ? null : buffer[..(int)n];
        }
        finally
        {
            Close(fd);
        }
    }
}
