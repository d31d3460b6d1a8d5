using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CvmCheck.Core.Bundles;

namespace CvmCheck.Cli.Bundles;

/// <summary>What verify, bundle ls and <c>--from</c> share: loading trust anchors, reading and
/// verifying a bundle, and turning the outcome into the exit-code exceptions.</summary>
internal static class BundleCli
{
    public static IReadOnlyList<X509Certificate2> LoadTrust(IReadOnlyList<string>? files)
    {
        var anchors = new List<X509Certificate2>();
        foreach (var file in files ?? [])
        {
            var collection = new X509Certificate2Collection();
            try
            {
                collection.ImportFromPemFile(file);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new UserInputException($"--trust {file}: cannot read certificates ({e.Message})");
            }

            if (collection.Count == 0)
            {
                throw new UserInputException($"--trust {file}: no PEM certificate in the file");
            }

            anchors.AddRange(collection);
        }

        return anchors;
    }

    /// <summary>Reads and verifies; an unreadable bundle is <see cref="UserInputException"/> (exit 2).</summary>
    public static BundleVerification Verify(string path, BundleVerifyOptions options)
    {
        if (Directory.Exists(path))
        {
            throw new UserInputException($"{path}: is a directory; a bundle is a .tar.gz file (for a snapshot directory use --root)");
        }

        if (!File.Exists(path))
        {
            throw new UserInputException($"{path}: no such bundle");
        }

        try
        {
            return BundleVerifier.Verify(path, options);
        }
        catch (BundleUnreadableException e)
        {
            throw new UserInputException($"{path}: {e.Message}");
        }
    }

    /// <summary>For <c>--from</c>: verify, then replay only a valid bundle.</summary>
    public static BundleSource OpenVerified(string path, BundleVerifyOptions options)
    {
        var verification = Verify(path, options with { Read = options.Read with { KeepArtifacts = true } });
        if (!verification.Valid)
        {
            throw new EvidenceRejectedException($"--from {path}: the bundle did not verify:" + Environment.NewLine
                + string.Join(Environment.NewLine, verification.Failures.Select(f => $"  {f.Name}: {f.Detail}")));
        }

        return BundleSource.From(path, verification);
    }
}
