using System.Runtime.InteropServices;

namespace Hoard.Storage.Internal;

/// <summary>
/// Zeroed native memory; blocks of 64 KiB and more straight from the kernel (mmap/munmap on Linux), so that freed
/// blocks leave the process at once. glibc's malloc keeps freed blocks of this size in its heap (its mmap threshold rises after each free
/// of a mapped block), which made the index's old tables and freed segments stay resident. Elsewhere it falls
/// back to <see cref="NativeMemory"/>.
/// </summary>
internal static unsafe partial class PageMemory
{
    private const int ProtRead = 1;
    private const int ProtWrite = 2;
    private const int MapPrivate = 2;
    private const int MapAnonymous = 0x20;

    /// <summary>Below this, blocks come from malloc: a mapping would round each up to a page and cost a syscall.</summary>
    public const int MapThreshold = 64 * 1024;

    public static void* Allocate(nuint bytes)
    {
        if (!OperatingSystem.IsLinux() || bytes < MapThreshold)
        {
            return NativeMemory.AllocZeroed(bytes);
        }

        var p = mmap(null, bytes, ProtRead | ProtWrite, MapPrivate | MapAnonymous, -1, 0);
        if (p == (void*)-1)
        {
            throw new OutOfMemoryException($"mmap of {bytes} bytes failed");
        }

        return p;
    }

    public static void Free(void* block, nuint bytes)
    {
        if (!OperatingSystem.IsLinux() || bytes < MapThreshold)
        {
            NativeMemory.Free(block);
            return;
        }

        _ = munmap(block, bytes);
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial void* mmap(void* address, nuint length, int protection, int flags, int fd, nint offset);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int munmap(void* address, nuint length);
}
