using System.CommandLine;
using CvmCheck.Cli.Bundles;
using CvmCheck.Core.Bundles;

namespace CvmCheck.Cli.Commands;

/// <summary><c>cvmcheck bundle ls BUNDLE</c>: the manifest's header fields and a table of its artifacts
/// (path, kind, size, SHA-384 prefix). Listing is not verifying: it reads the bundle (exit 2 when
/// unreadable) and says whether the bytes match, but never judges signatures; use <c>verify</c>.</summary>
internal static class BundleCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("bundle", "Inspect evidence bundles");
        var bundle = new Argument<string>("BUNDLE") { Description = "Evidence bundle (.tar.gz)" };
        var ls = new Command("ls", "List a bundle's manifest: header fields and artifacts");
        ls.Add(bundle);
        ls.SetAction(parse => List(context.Out, parse.GetValue(bundle)!));
        command.Add(ls);
        return command;
    }

    internal static int List(TextWriter output, string path)
    {
        var verification = BundleCli.Verify(path, new BundleVerifyOptions { AllowUnsigned = true });
        if (verification.Manifest is not { } m)
        {
            throw new EvidenceRejectedException($"{path}: " + string.Join("; ", verification.Failures.Where(f => f.Name == BundleCheckNames.Manifest).Select(f => f.Detail)));
        }

        output.WriteLine($"schema    {m.Schema}");
        output.WriteLine($"tool      cvmcheck {m.ToolVersion}");
        output.WriteLine($"created   {m.Created.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}");
        output.WriteLine($"host      {m.Host}");
        output.WriteLine($"source    {m.Source}");
        output.WriteLine($"nonce     {Convert.ToHexStringLower(m.Nonce)}");
        output.WriteLine($"signed    {(verification.Archive.Signature is null ? "no" : "yes (run verify --trust to check)")}");
        output.WriteLine($"attested  {(verification.Archive.Attestation.Count == 0 ? "no" : string.Join(", ", verification.Archive.Attestation.Keys.Order(StringComparer.Ordinal)))}");
        if (m.Findings is { } f)
        {
            output.WriteLine($"findings  {f.Verdict} ({string.Join(", ", f.Counts.Where(c => c.Value > 0).Select(c => $"{c.Value} {c.Key}"))}) policies {string.Join(", ", f.Policies)}");
            if (f.Failing.Count > 0)
            {
                output.WriteLine($"failing   {string.Join(", ", f.Failing)}");
            }
        }

        output.WriteLine($"intact    {(verification.Checks.Any(c => c.Name is BundleCheckNames.Artifacts or BundleCheckNames.Archive && c.Status == BundleCheckStatus.Fail) ? "NO: bytes differ from the manifest (run verify)" : "bytes match the manifest")}");
        output.WriteLine();
        var width = Math.Max(4, m.Artifacts.Count == 0 ? 4 : m.Artifacts.Max(a => a.Path.Length));
        output.WriteLine($"{"PATH".PadRight(width)}  {"KIND",-9}  {"SIZE",10}  SHA384");
        foreach (var a in m.Artifacts)
        {
            var sha = a.Kind == ManifestEntryKind.Directory ? "-" : a.Sha384[..16] + "…";
            var size = a.Kind == ManifestEntryKind.Directory ? "-" : a.Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
            output.WriteLine($"{a.Path.PadRight(width)}  {ManifestJson.KindName(a.Kind),-9}  {size,10}  {sha}");
        }

        output.WriteLine($"{m.Artifacts.Count} artifacts, {m.Artifacts.Sum(a => a.Size)} bytes");
        output.Flush();
        return ExitCodes.Ok;
    }
}
