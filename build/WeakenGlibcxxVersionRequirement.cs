// MSBuild inline task (RoslynCodeTaskFactory, Code Type="Class"), used by WeakenGlibcxx.targets beside it
// (imported by this repository's Directory.Build.targets and shipped in the AdaptiveLR.TorchSharp package).
//
// Why this exists
// ---------------
// TorchSharp 0.107.0 ships a libLibTorchSharp.so that records a dependency on the
// symbol version GLIBCXX_3.4.32 of libstdc++.so.6 (GCC 13.2+). Debian 12's libstdc++ only
// goes up to GLIBCXX_3.4.30, so the dynamic loader refuses to load the library and the
// first torch.* call throws. The only symbol bound to that version is
// std::ios_base_library_init(), and no relocation references it, so the requirement
// can safely be downgraded to a *weak* one: the loader then ignores it when the
// version is missing and still checks it normally where it exists.
//
// What it does
// ------------
// For every input file this task parses the ELF64 little-endian section headers,
// locates the SHT_GNU_verneed section (".gnu.version_r"), walks its Elf64_Verneed /
// Elf64_Vernaux chains, resolves each vna_name in the string table the section is
// linked to (.dynstr), and for the entry named VersionName sets VER_FLG_WEAK (0x2)
// in vna_flags. Nothing else in the file changes (same size, same layout).
//
//  * Idempotent: if the flag is already set the file is left untouched.
//  * Missing section / missing version entry: nothing to do, success.
//  * The file is never written in place. MSBuild may have produced it as a hard link
//    (or symlink) to the copy in the NuGet package cache, so an in-place write would
//    corrupt the cache. Instead the file is copied to a temporary file in the same
//    directory, the copy is patched, and then renamed over the original path.
//  * The patched file keeps the original last-write time. _CopyFilesMarkedCopyLocal
//    uses Copy SkipUnchangedFiles="true", which skips a copy only when size *and*
//    timestamp match the source; keeping the timestamp therefore makes the next
//    incremental build leave the patched file alone instead of re-copying the
//    unpatched original and patching it again. (Even if that happened, this task
//    runs after every Build/Publish, so the end result would still be patched.)
//
// The task is compiled against the netstandard reference assemblies that ship with
// MSBuild, so it only uses APIs available there.

#nullable enable

using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class WeakenGlibcxxVersionRequirement : Task
{
    /// <summary>ELF shared libraries to patch (e.g. every libLibTorchSharp.so in an output folder).</summary>
    [Required]
    public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();

    /// <summary>The needed symbol version to mark weak, e.g. "GLIBCXX_3.4.32".</summary>
    [Required]
    public string VersionName { get; set; } = string.Empty;

    // --- ELF constants (see elf.h) -------------------------------------------------
    private const byte ElfClass64 = 2;              // e_ident[EI_CLASS]
    private const byte ElfData2Lsb = 1;             // e_ident[EI_DATA]: little-endian
    private const int Elf64EhdrSize = 64;           // sizeof(Elf64_Ehdr)
    private const int Elf64ShdrSize = 64;           // sizeof(Elf64_Shdr)
    private const int Elf64VerneedSize = 16;        // sizeof(Elf64_Verneed)
    private const int Elf64VernauxSize = 16;        // sizeof(Elf64_Vernaux)
    private const uint ShtGnuVerneed = 0x6ffffffe;  // SHT_GNU_verneed
    private const ushort VerFlgWeak = 0x2;          // VER_FLG_WEAK
    private const int VnaFlagsOffset = 4;           // offsetof(Elf64_Vernaux, vna_flags)

    // Lets a project silence the "unsupported file" warning with NoWarn / MSBuildWarningsAsMessages.
    private const string WarningCode = "WGVR001";

    public override bool Execute()
    {
        if (string.IsNullOrEmpty(VersionName))
        {
            Log.LogError("WeakenGlibcxxVersionRequirement: VersionName must not be empty.");
            return false;
        }

        foreach (ITaskItem item in Files)
        {
            string path = item.GetMetadata("FullPath");
            try
            {
                ProcessFile(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Log.LogError("Could not weaken the {0} requirement of '{1}': {2}", VersionName, path, ex.Message);
            }
        }

        return !Log.HasLoggedErrors;
    }

    private void ProcessFile(string path)
    {
        long flagsOffset;
        ushort flags;
        string? problem;

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            problem = TryFindVernauxFlags(stream, VersionName, out flagsOffset, out flags);
        }

        if (problem != null)
        {
            // Not a (supported) ELF file: leave it alone, but make it visible.
            Log.LogWarning(null, WarningCode, null, null, 0, 0, 0, 0,
                "Not weakening {0} in '{1}': {2}", VersionName, path, problem);
            return;
        }

        if (flagsOffset < 0)
        {
            Log.LogMessage(MessageImportance.Low,
                "'{0}' does not require symbol version {1}; nothing to patch.", path, VersionName);
            return;
        }

        if ((flags & VerFlgWeak) != 0)
        {
            Log.LogMessage(MessageImportance.Low,
                "'{0}': version requirement {1} is already weak; nothing to patch.", path, VersionName);
            return;
        }

        PatchViaTempFile(path, flagsOffset, (ushort)(flags | VerFlgWeak));
        Log.LogMessage(MessageImportance.Normal,
            "Marked symbol version requirement {0} as weak in '{1}'.", VersionName, path);
    }

    /// <summary>
    /// Copies <paramref name="path"/> to a temporary file in the same directory, writes the new
    /// vna_flags value into the copy, keeps the original timestamp and renames the copy over
    /// <paramref name="path"/>. The original inode (possibly shared with the NuGet cache through a
    /// hard link) is never opened for writing.
    /// </summary>
    private static void PatchViaTempFile(string path, long flagsOffset, ushort newFlags)
    {
        string directory = Path.GetDirectoryName(path) ?? ".";
        string tempPath = Path.Combine(directory, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N") + ".tmp");

        try
        {
            // File.Copy follows symlinks and creates a new file (new inode); on Unix it also
            // carries over the permission bits and timestamps of the copied data.
            File.Copy(path, tempPath, overwrite: false);

            // Timestamp of the data actually copied (for a symlink: of its target, not of the
            // link itself), restored after the write below.
            DateTime lastWriteUtc = File.GetLastWriteTimeUtc(tempPath);

            using (var stream = new FileStream(tempPath, FileMode.Open, FileAccess.Write, FileShare.None))
            {
                stream.Position = flagsOffset;
                stream.WriteByte((byte)(newFlags & 0xff));
                stream.WriteByte((byte)(newFlags >> 8));
            }

            File.SetLastWriteTimeUtc(tempPath, lastWriteUtc);

            // On Unix File.Replace with no backup file is a plain rename(2): atomic, and it
            // replaces the directory entry (even if it is a hard link or symlink) rather
            // than writing through it.
            File.Replace(tempPath, path, null);
        }
        finally
        {
            if (File.Exists(tempPath))
            {
                File.Delete(tempPath);
            }
        }
    }

    /// <summary>
    /// Locates the vna_flags field of the Elf64_Vernaux entry named <paramref name="versionName"/>.
    /// Returns null on success (with <paramref name="flagsOffset"/> = -1 if the file has no such
    /// requirement or no .gnu.version_r section), or a description of why the file is unsupported.
    /// </summary>
    private static string? TryFindVernauxFlags(FileStream elf, string versionName, out long flagsOffset, out ushort flags)
    {
        flagsOffset = -1;
        flags = 0;

        // --- Elf64_Ehdr ---------------------------------------------------------------
        if (elf.Length < Elf64EhdrSize)
            return "file is too small to be an ELF64 object";
        byte[] ehdr = ReadAt(elf, 0, Elf64EhdrSize);
        if (ehdr[0] != 0x7f || ehdr[1] != (byte)'E' || ehdr[2] != (byte)'L' || ehdr[3] != (byte)'F')
            return "not an ELF file";
        if (ehdr[4] != ElfClass64)
            return "not a 64-bit ELF file";
        if (ehdr[5] != ElfData2Lsb)
            return "not a little-endian ELF file";

        ulong shoff = U64(ehdr, 40);         // e_shoff
        ushort shentsize = U16(ehdr, 58);    // e_shentsize
        ulong shnum = U16(ehdr, 60);         // e_shnum
        if (shoff == 0)
            return null;                     // no section header table: nothing we can patch
        if (shentsize < Elf64ShdrSize)
            return "unexpected section header entry size " + shentsize;

        // With 0xff00 or more sections e_shnum is 0 and the real count lives in sh_size of
        // section header 0. (e_shstrndx is not needed: the section is found by its type,
        // and its names come from the table named by its own sh_link.)
        if (shnum == 0)
        {
            if (!InFile(elf, shoff, Elf64ShdrSize))
                return "section header table lies outside the file";
            shnum = U64(ReadAt(elf, (long)shoff, Elf64ShdrSize), 32);
        }
        if (shnum > (ulong)(int.MaxValue / shentsize) || !InFile(elf, shoff, shnum * shentsize))
            return "section header table lies outside the file";

        byte[] shdrs = ReadAt(elf, (long)shoff, checked((int)(shnum * shentsize)));

        // --- find the SHT_GNU_verneed section ------------------------------------------
        for (ulong i = 0; i < shnum; i++)
        {
            int sh = checked((int)(i * shentsize));
            if (U32(shdrs, sh + 4) != ShtGnuVerneed)          // sh_type
                continue;

            ulong verneedOffset = U64(shdrs, sh + 24);         // sh_offset
            ulong verneedSize = U64(shdrs, sh + 32);           // sh_size
            uint strtabIndex = U32(shdrs, sh + 40);            // sh_link -> .dynstr
            uint verneedCount = U32(shdrs, sh + 44);           // sh_info = number of Verneed entries

            if (strtabIndex == 0 || strtabIndex >= shnum)
                return ".gnu.version_r has an invalid sh_link";
            int st = checked((int)(strtabIndex * shentsize));
            ulong strtabOffset = U64(shdrs, st + 24);
            ulong strtabSize = U64(shdrs, st + 32);

            if (verneedSize > int.MaxValue || !InFile(elf, verneedOffset, verneedSize))
                return ".gnu.version_r lies outside the file";
            if (strtabSize > int.MaxValue || !InFile(elf, strtabOffset, strtabSize))
                return "the string table of .gnu.version_r lies outside the file";

            byte[] verneed = ReadAt(elf, (long)verneedOffset, (int)verneedSize);
            byte[] strtab = ReadAt(elf, (long)strtabOffset, (int)strtabSize);

            // --- walk Elf64_Verneed entries (one per needed file) ------------------------
            ulong vn = 0;
            for (uint n = 0; n < verneedCount; n++)
            {
                if (vn + Elf64VerneedSize > verneedSize)
                    return "truncated Elf64_Verneed entry";
                ushort auxCount = U16(verneed, (int)vn + 2);   // vn_cnt
                uint auxOffset = U32(verneed, (int)vn + 8);    // vn_aux, relative to this Verneed
                uint nextOffset = U32(verneed, (int)vn + 12);  // vn_next, relative to this Verneed

                // --- walk its Elf64_Vernaux entries (one per needed version) -------------
                ulong vna = vn + auxOffset;
                for (ushort a = 0; a < auxCount; a++)
                {
                    if (vna + Elf64VernauxSize > verneedSize)
                        return "truncated Elf64_Vernaux entry";
                    uint nameOffset = U32(verneed, (int)vna + 8);      // vna_name -> strtab
                    string? name = CString(strtab, nameOffset);
                    if (name == null)
                        return "vna_name points outside the string table";

                    if (string.Equals(name, versionName, StringComparison.Ordinal))
                    {
                        flagsOffset = (long)(verneedOffset + vna + VnaFlagsOffset);
                        flags = U16(verneed, (int)vna + VnaFlagsOffset);
                        return null;
                    }

                    uint vnaNext = U32(verneed, (int)vna + 12);        // vna_next
                    if (vnaNext == 0)
                        break;
                    vna += vnaNext;
                }

                if (nextOffset == 0)
                    break;
                vn += nextOffset;
            }
        }

        return null;    // no SHT_GNU_verneed section, or the version is not required
    }

    // --- little helpers ------------------------------------------------------------------

    private static bool InFile(FileStream f, ulong offset, ulong size) =>
        offset <= (ulong)f.Length && size <= (ulong)f.Length - offset;

    private static byte[] ReadAt(FileStream f, long offset, int count)
    {
        var buffer = new byte[count];
        f.Position = offset;
        int read = 0;
        while (read < count)
        {
            int n = f.Read(buffer, read, count - read);
            if (n == 0)
                throw new EndOfStreamException("Unexpected end of file at offset " + (offset + read) + ".");
            read += n;
        }
        return buffer;
    }

    private static ushort U16(byte[] b, int i) => (ushort)(b[i] | b[i + 1] << 8);

    private static uint U32(byte[] b, int i) =>
        (uint)(b[i] | b[i + 1] << 8 | b[i + 2] << 16 | b[i + 3] << 24);

    private static ulong U64(byte[] b, int i) => U32(b, i) | (ulong)U32(b, i + 4) << 32;

    /// <summary>NUL-terminated string at <paramref name="offset"/> of a string table, or null if out of range.</summary>
    private static string? CString(byte[] strtab, uint offset)
    {
        if (offset >= strtab.Length)
            return null;
        int end = Array.IndexOf(strtab, (byte)0, (int)offset);
        if (end < 0)
            return null;
        return Encoding.ASCII.GetString(strtab, (int)offset, end - (int)offset);
    }
}
