using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace PyStream.Engine.Checkpointing;

/// <summary>Writes snapshot files with their SHA-256 and checks them before a restore reads them.</summary>
public static partial class SnapshotFiles
{
    public static string Sha256(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Sha256File(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Writes <paramref name="name"/> in <paramref name="directory"/>, durably, and describes it.</summary>
    public static FileRef Write(string directory, string name, Action<BinaryWriter> write)
    {
        var path = Path.Combine(directory, name);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size;
        using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
        {
            using (var hashing = new HashingStream(file, hash))
            using (var writer = new BinaryWriter(hashing, System.Text.Encoding.UTF8, leaveOpen: true))
            {
                write(writer);
            }

            file.Flush(flushToDisk: true);
            size = file.Length;
        }

        return new FileRef(name, size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    public static void Verify(string directory, FileRef file)
    {
        var path = Path.GetFullPath(Path.Combine(directory, file.Path));
        if (!File.Exists(path))
            throw new CorruptCheckpointException(directory, $"file '{file.Path}' is missing");
        var size = new FileInfo(path).Length;
        if (size != file.Size)
            throw new CorruptCheckpointException(directory, $"file '{file.Path}' has {size} bytes, {file.Size} expected (truncated?)");
        if (Sha256File(path) != file.Sha256)
            throw new CorruptCheckpointException(directory, $"file '{file.Path}' does not match its checksum");
    }

    /// <summary>A hard link where the file system allows one (same device), else a copy.</summary>
    public static void LinkOrCopy(string source, string target)
    {
        if (link(source, target) != 0)
            File.Copy(source, target);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int link(string oldpath, string newpath);

    /// <summary>Passes writes through to a stream while hashing them.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            hash.AppendData(buffer);
            inner.Write(buffer);
        }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
