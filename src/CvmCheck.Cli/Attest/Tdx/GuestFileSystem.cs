namespace CvmCheck.Cli.Attest.Tdx;

/// <summary>The file operations configfs-tsm retrieval needs: a seam so tests can play the kernel
/// (fill outblob when inblob is written) in a temp directory.</summary>
internal interface IGuestFileSystem
{
    bool DirectoryExists(string path);

    bool FileExists(string path);

    void CreateDirectory(string path);

    /// <summary>rmdir (not recursive: configfs removes the attribute files with the directory).</summary>
    void RemoveDirectory(string path);

    void WriteAllBytes(string path, byte[] content);

    byte[] ReadAllBytes(string path);
}

internal sealed class PhysicalGuestFileSystem : IGuestFileSystem
{
    public static readonly PhysicalGuestFileSystem Instance = new();

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public bool FileExists(string path) => File.Exists(path);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public void RemoveDirectory(string path) => Directory.Delete(path, recursive: false);

    public void WriteAllBytes(string path, byte[] content) => File.WriteAllBytes(path, content);

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);
}
