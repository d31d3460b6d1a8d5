using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace CvmCheck.Cli.Attest.Tdx;

/// <summary>
/// Gets a quote from the kernel's configfs-tsm report interface (Linux Documentation/ABI/testing/
/// configfs-tsm): mkdir a report directory, write REPORTDATA to inblob, read outblob, and use
/// generation to detect another writer between our write and our read. The directory is removed
/// afterwards whatever happens.
/// </summary>
internal sealed class TsmReportClient(IGuestFileSystem fs, string root)
{
    public const string DefaultRoot = "/sys/kernel/config/tsm/report";
    public const string ExpectedProvider = "tdx_guest";

    public string Root { get; } = root;

    public bool IsAvailable => fs.DirectoryExists(Root);

    /// <summary>Returns the quote for <paramref name="reportData"/> (64 bytes); throws
    /// <see cref="UserInputException"/> with the path on every failure.</summary>
    public byte[] GetQuote(byte[] reportData)
    {
        var dir = Path.Combine(Root, "cvmcheck-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
        try
        {
            fs.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{dir}: cannot create a configfs-tsm report ({e.Message}); run as root?");
        }

        try
        {
            var provider = ReadText(Path.Combine(dir, "provider"));
            if (provider != ExpectedProvider)
            {
                throw new UserInputException($"{Path.Combine(dir, "provider")}: provider is '{provider}', expected '{ExpectedProvider}' (not a TDX guest)");
            }

            fs.WriteAllBytes(Path.Combine(dir, "inblob"), reportData);
            var before = ReadGeneration(dir);
            var quote = fs.ReadAllBytes(Path.Combine(dir, "outblob"));
            var after = ReadGeneration(dir);
            // configfs-tsm: generation counts inblob writes; a change means another writer raced us and
            // outblob may belong to their REPORTDATA.
            if (before != after)
            {
                throw new UserInputException($"{Path.Combine(dir, "generation")}: changed from {before} to {after} while reading outblob; another process wrote the report, retry");
            }

            if (quote.Length == 0)
            {
                throw new UserInputException($"{Path.Combine(dir, "outblob")}: empty; the quote generation service (QGS) may be unreachable from this guest");
            }

            return quote;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserInputException($"{dir}: configfs-tsm report failed: {e.Message}");
        }
        finally
        {
            try
            {
                fs.RemoveDirectory(dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Leaving the report directory behind is harmless; the quote (or the first error) matters more.
            }
        }
    }

    private long ReadGeneration(string dir)
    {
        var path = Path.Combine(dir, "generation");
        var text = ReadText(path);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var g)
            ? g
            : throw new UserInputException($"{path}: '{text}' is not a generation number");
    }

    private string ReadText(string path) => Encoding.ASCII.GetString(fs.ReadAllBytes(path)).Trim();
}
