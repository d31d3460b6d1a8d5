using System.Runtime.CompilerServices;
using CvmCheck.Core.Bundles;

namespace CvmCheck.Fuzz.Targets;

/// <summary>`bundle`: the evidence-bundle reader and verifier on untrusted bytes (gzip → tar → manifest,
/// signature, binding). The only documented rejection is <see cref="BundleUnreadableException"/>; every
/// other problem must come back as a failed check, never as an exception. Limits are small so a gzip
/// bomb in the corpus costs milliseconds. The input is also fed to the manifest and binding parsers
/// directly, since most mutations of a .tar.gz never reach them.</summary>
internal static class BundleTarget
{
    private static readonly BundleVerifyOptions Options = new()
    {
        AllowUnsigned = true,
        Read = new BundleReadOptions { MaxEntryBytes = 1 << 20, MaxTotalBytes = 8 << 20, MaxEntries = 1000, KeepArtifacts = true },
    };

    [ModuleInitializer]
    internal static void Register() => FuzzTargets.Register("bundle", Run);

    private static void Run(ReadOnlyMemory<byte> input)
    {
        try
        {
            var verification = BundleVerifier.Verify(new MemoryStream(input.ToArray(), writable: false), Options);
            if (verification.Valid)
            {
                // A bundle that verifies must replay without throwing.
                var source = BundleSource.From("fuzz", verification);
                foreach (var name in source.ListDirectory(string.Empty))
                {
                    _ = source.ReadFile(name);
                }
            }
        }
        catch (BundleUnreadableException)
        {
            // documented rejection (exit 2)
        }

        try
        {
            ManifestJson.Parse(input);
        }
        catch (ManifestFormatException)
        {
            // documented rejection
        }

        BundleBinding.TryParse(input, out _);
    }
}
