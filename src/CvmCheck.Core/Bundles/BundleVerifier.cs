using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using CvmCheck.Attestation.Cms;
using CvmCheck.Attestation.Gpu.Nvml;
using CvmCheck.Attestation.Tdx;
using CvmCheck.Formats.Spdm;
using CvmCheck.Formats.Tdx;
using GpuReportVerifier = CvmCheck.Attestation.Gpu.GpuReportVerifier;
using GpuStepStatus = CvmCheck.Attestation.Gpu.StepStatus;
using GpuVerificationOptions = CvmCheck.Attestation.Gpu.GpuVerificationOptions;
using RimInput = CvmCheck.Attestation.Gpu.RimInput;

namespace CvmCheck.Core.Bundles;

/// <summary>Ordered worst → best; a bundle is valid when no check is <see cref="Fail"/>.</summary>
public enum BundleCheckStatus
{
    Fail,
    Warn,
    Skip,
    Pass,
}

/// <summary>One line of <c>cvmcheck/verify/v1</c> <c>checks[]</c>. A check that found several problems
/// appears once per problem, so every reason is listed.</summary>
public sealed record BundleCheck(string Name, BundleCheckStatus Status, string Detail)
{
    public string StatusName => Status switch
    {
        BundleCheckStatus.Pass => "pass",
        BundleCheckStatus.Skip => "skip",
        BundleCheckStatus.Warn => "warn",
        _ => "fail",
    };
}

/// <summary>Stable check names (contract for scripts reading <c>checks[].name</c>).</summary>
public static class BundleCheckNames
{
    public const string Archive = "archive";
    public const string Manifest = "manifest";
    public const string Artifacts = "artifacts";
    public const string Signature = "signature";
    public const string Binding = "binding";
    public const string TdxQuote = "tdx-quote";

    /// <summary>Only when the binding holds no GPU entry: skip, with binding.json's <c>gpu.note</c>.</summary>
    public const string GpuReports = "gpu-reports";

    /// <summary><c>gpu[i].binding</c>: the stored report's request nonce is SHA-256(nonce ‖ D).</summary>
    public static string GpuBinding(int index) => $"gpu[{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}].binding";

    /// <summary><c>gpu[i].report</c>: <see cref="GpuReportVerifier"/> on the stored report and chain (signature, chain to
    /// the pinned NVIDIA root, FWID, RIMs given with <c>--rims</c>).</summary>
    public static string GpuReport(int index) => $"gpu[{index.ToString(System.Globalization.CultureInfo.InvariantCulture)}].report";
}

public sealed record BundleVerifyOptions
{
    /// <summary>Trust anchors for the signer's chain (<c>--trust PEM</c>).</summary>
    public IReadOnlyList<X509Certificate2> Trust { get; init; } = [];

    /// <summary>Unsigned or untrusted bundles pass with a note instead of failing. A signature that does
    /// not match the manifest still fails.</summary>
    public bool AllowUnsigned { get; init; }

    /// <summary>Time for chain and collateral validity (<c>--at</c>); default: the signing time for the
    /// chain, now for collateral.</summary>
    public DateTimeOffset? At { get; init; }

    /// <summary>TDX collateral directory (<c>--collateral</c>): re-verify the quote when given.</summary>
    public string? Collateral { get; init; }

    /// <summary>GPU RIMs (<c>--rims DIR</c>) handed to <see cref="GpuReportVerifier"/> for every stored GPU report.</summary>
    public IReadOnlyList<RimInput> GpuRims { get; init; } = [];

    public BundleReadOptions Read { get; init; } = new();
}

public sealed class BundleVerification
{
    internal BundleVerification(BundleArchive archive, BundleManifest? manifest, IReadOnlyList<BundleCheck> checks)
    {
        Archive = archive;
        Manifest = manifest;
        Checks = checks;
    }

    public BundleArchive Archive { get; }

    /// <summary>The parsed manifest (null when absent or not parseable).</summary>
    public BundleManifest? Manifest { get; }

    public IReadOnlyList<BundleCheck> Checks { get; }

    public bool Valid => Checks.All(c => c.Status != BundleCheckStatus.Fail);

    public IEnumerable<BundleCheck> Failures => Checks.Where(c => c.Status == BundleCheckStatus.Fail);
}

/// <summary>
/// Everything <c>verify</c> checks (DESIGN.md §6), each problem recorded, none thrown: the archive
/// (entry types, paths, duplicates, limits), the manifest, every artifact's size and SHA-384 and the
/// set of entries (nothing missing, nothing extra), the CMS signature and its chain, the hardware
/// binding, and — with collateral — the TDX quote itself. Only an unreadable file (not gzip/tar,
/// truncated, CRC) throws <see cref="BundleUnreadableException"/>.
/// </summary>
public static class BundleVerifier
{
    public static BundleVerification Verify(string path, BundleVerifyOptions options) =>
        Verify(BundleReader.Read(path, options.Read), options);

    public static BundleVerification Verify(Stream bundle, BundleVerifyOptions options) =>
        Verify(BundleReader.Read(bundle, options.Read), options);

    public static BundleVerification Verify(BundleArchive archive, BundleVerifyOptions options)
    {
        var checks = new List<BundleCheck>();
        checks.AddRange(archive.Problems.Select(p => new BundleCheck(BundleCheckNames.Archive, BundleCheckStatus.Fail, p)));
        if (archive.Problems.Count == 0)
        {
            checks.Add(new(BundleCheckNames.Archive, BundleCheckStatus.Pass, $"{archive.Entries.Count} entries, {archive.ExpandedBytes} bytes expanded; regular files and directories only"));
        }

        BundleManifest? manifest = null;
        if (archive.Manifest is null)
        {
            checks.Add(new(BundleCheckNames.Manifest, BundleCheckStatus.Fail, $"no {BundleLayout.Manifest} entry"));
        }
        else
        {
            try
            {
                manifest = ManifestJson.Parse(archive.Manifest);
                checks.Add(new(BundleCheckNames.Manifest, BundleCheckStatus.Pass, $"{BundleLayout.ManifestSchema}, {manifest.Artifacts.Count} artifacts, created {manifest.Created.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} on {manifest.Host}"));
            }
            catch (ManifestFormatException e)
            {
                checks.Add(new(BundleCheckNames.Manifest, BundleCheckStatus.Fail, $"{BundleLayout.Manifest}: {e.Message}"));
            }
        }

        CheckArtifacts(archive, manifest, checks);
        CheckSignature(archive, options, checks);
        CheckBinding(archive, manifest, options, checks);
        return new BundleVerification(archive, manifest, checks);
    }

    private static void CheckArtifacts(BundleArchive archive, BundleManifest? manifest, List<BundleCheck> checks)
    {
        var fails = new List<string>();
        var listed = new Dictionary<string, ManifestEntry>(StringComparer.Ordinal);
        foreach (var expected in manifest?.Artifacts ?? [])
        {
            if (!expected.Path.StartsWith(BundleLayout.ArtifactsPrefix, StringComparison.Ordinal) || BundleReader.UnsafePathReason(expected.Path) is not null)
            {
                fails.Add($"manifest lists '{expected.Path}', which is not a safe path under {BundleLayout.ArtifactsPrefix}");
            }
            else if (!listed.TryAdd(expected.Path, expected))
            {
                fails.Add($"manifest lists '{expected.Path}' twice");
            }
        }

        // Directory entries a plain `tar czf b.tar.gz manifest.json artifacts` adds for the parents of listed
        // entries carry no bytes and change nothing a replay sees (parents are implied), so they are allowed.
        var impliedDirectories = new HashSet<string>(StringComparer.Ordinal) { BundleLayout.ArtifactsDirectory };
        foreach (var path in listed.Keys)
        {
            for (var slash = path.LastIndexOf('/'); slash > 0; slash = path.LastIndexOf('/', slash - 1))
            {
                impliedDirectories.Add(path[..slash]);
            }
        }

        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries)
        {
            present.Add(entry.Path);
            if (entry.Path is BundleLayout.Manifest or BundleLayout.Signature || entry.Path.StartsWith(BundleLayout.AttestationPrefix, StringComparison.Ordinal))
            {
                continue; // the only entries the manifest does not list (DESIGN.md §6)
            }

            if (manifest is null)
            {
                continue;
            }

            if (!listed.TryGetValue(entry.Path, out var expected))
            {
                if (entry.IsDirectory && impliedDirectories.Contains(entry.Path))
                {
                    continue;
                }

                fails.Add($"'{entry.Path}': not listed in the manifest (added or renamed)");
                continue;
            }

            if (entry.IsDirectory != (expected.Kind == ManifestEntryKind.Directory))
            {
                fails.Add($"'{entry.Path}': is a {(entry.IsDirectory ? "directory" : "file")}, the manifest says {ManifestJson.KindName(expected.Kind)}");
                continue;
            }

            if (entry.Size != expected.Size)
            {
                fails.Add($"'{entry.Path}': size {entry.Size}, manifest {expected.Size}");
            }

            if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(entry.Sha384), System.Text.Encoding.ASCII.GetBytes(expected.Sha384)))
            {
                fails.Add($"'{entry.Path}': SHA-384 {Short(entry.Sha384)}…, manifest {Short(expected.Sha384)}…");
            }
        }

        fails.AddRange(listed.Keys.Where(p => !present.Contains(p)).Select(p => $"'{p}': listed in the manifest but missing"));
        if (archive.Entries.Any(e => e.Path.StartsWith(BundleLayout.AttestationPrefix, StringComparison.Ordinal) && e.IsDirectory))
        {
            fails.Add($"'{BundleLayout.AttestationDirectory}/': directory entries are not part of a bundle's attestation");
        }

        if (manifest is null)
        {
            checks.Add(new(BundleCheckNames.Artifacts, BundleCheckStatus.Skip, "no readable manifest to compare against"));
            return;
        }

        checks.AddRange(fails.Select(f => new BundleCheck(BundleCheckNames.Artifacts, BundleCheckStatus.Fail, f)));
        if (fails.Count == 0)
        {
            var files = listed.Values.Count(e => e.Kind != ManifestEntryKind.Directory);
            checks.Add(new(BundleCheckNames.Artifacts, BundleCheckStatus.Pass, $"{files} files and {listed.Count - files} directories match the manifest (size and SHA-384); nothing missing or extra"));
        }
    }

    private static void CheckSignature(BundleArchive archive, BundleVerifyOptions options, List<BundleCheck> checks)
    {
        if (archive.Signature is null)
        {
            checks.Add(options.AllowUnsigned
                ? new(BundleCheckNames.Signature, BundleCheckStatus.Skip, $"unsigned (no {BundleLayout.Signature}); allowed by --allow-unsigned")
                : new(BundleCheckNames.Signature, BundleCheckStatus.Fail, $"unsigned (no {BundleLayout.Signature}); pass --allow-unsigned to accept unsigned bundles"));
            return;
        }

        if (archive.Manifest is null)
        {
            checks.Add(new(BundleCheckNames.Signature, BundleCheckStatus.Fail, "signature present but there is no manifest to check it against"));
            return;
        }

        var result = ManifestSignatureVerifier.Verify(archive.Manifest, archive.Signature, options.Trust, options.At);
        var signer = result.Signer is null ? "unknown signer" : $"'{result.Signer.Subject}'";
        var when = result.SigningTime is { } t ? $" at {t.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" : string.Empty;
        switch (result.Status)
        {
            case ManifestSignatureStatus.Valid:
                checks.Add(new(BundleCheckNames.Signature, BundleCheckStatus.Pass, $"CMS SHA-384 signature by {signer}{when}, chains to a --trust anchor"));
                break;
            case ManifestSignatureStatus.Untrusted when options.AllowUnsigned:
                checks.AddRange(result.Issues.Select(i => new BundleCheck(BundleCheckNames.Signature, BundleCheckStatus.Warn, $"{i.Message}; accepted by --allow-unsigned")));
                break;
            default:
                checks.AddRange(result.Issues.Select(i => new BundleCheck(BundleCheckNames.Signature, BundleCheckStatus.Fail, $"{i.Code}: {i.Message}")));
                break;
        }
    }

    private static void CheckBinding(BundleArchive archive, BundleManifest? manifest, BundleVerifyOptions options, List<BundleCheck> checks)
    {
        if (archive.Attestation.Count == 0)
        {
            checks.Add(new(BundleCheckNames.Binding, BundleCheckStatus.Skip, $"no {BundleLayout.AttestationDirectory}/ entries (collected without --attest)"));
            return;
        }

        var fails = new List<string>();
        BundleBinding? binding = null;
        if (!archive.Attestation.TryGetValue(BundleLayout.Binding, out var bindingBytes))
        {
            fails.Add($"{BundleLayout.AttestationDirectory}/ entries without {BundleLayout.Binding}");
        }
        else if ((binding = BundleBinding.TryParse(bindingBytes, out var error)) is null)
        {
            fails.Add($"{BundleLayout.Binding}: {error}");
        }
        else if (!bindingBytes.AsSpan().SequenceEqual(binding.ToJson()))
        {
            fails.Add($"{BundleLayout.Binding}: not in the canonical form cvmcheck writes (edited?)");
        }

        byte[]? digest = archive.Manifest is null ? null : BundleLayout.ManifestDigest(archive.Manifest);
        if (binding is not null)
        {
            if (digest is not null && !CryptographicOperations.FixedTimeEquals(binding.ManifestSha384, digest))
            {
                fails.Add($"{BundleLayout.Binding}: manifestSha384 {Short(Convert.ToHexStringLower(binding.ManifestSha384))}… is not SHA-384 of {BundleLayout.Manifest} ({Short(Convert.ToHexStringLower(digest))}…)");
            }

            if (manifest is not null && !binding.Nonce.AsSpan().SequenceEqual(manifest.Nonce))
            {
                fails.Add($"{BundleLayout.Binding}: nonce differs from the manifest's nonce");
            }

            var named = binding.Files.ToHashSet(StringComparer.Ordinal);
            fails.AddRange(archive.Attestation.Keys.Where(k => !named.Contains(k)).Order(StringComparer.Ordinal).Select(k => $"'{k}': not named in {BundleLayout.Binding}"));
            fails.AddRange(named.Where(n => !archive.Attestation.ContainsKey(n)).Order(StringComparer.Ordinal).Select(n => $"'{n}': named in {BundleLayout.Binding} but missing"));
        }

        TdxQuote? quote = null;
        if (binding?.TdxQuote is { } quotePath && archive.Attestation.TryGetValue(quotePath, out var quoteBytes) && digest is not null && manifest is not null)
        {
            if (!TdxQuote.TryParse(quoteBytes, out quote, out var quoteError))
            {
                fails.Add($"{quotePath}: not a TDX quote ({quoteError})");
            }
            else
            {
                // REPORTDATA must be SHA-512(nonce ‖ D) with the nonce from the manifest and D recomputed
                // from the manifest bytes, so the quote vouches for exactly these bytes.
                var expected = BundleLayout.TdxReportData(manifest.Nonce, digest);
                if (!CryptographicOperations.FixedTimeEquals(quote!.Body.ReportData, expected))
                {
                    fails.Add($"{quotePath}: REPORTDATA {Short(Convert.ToHexStringLower(quote.Body.ReportData))}… is not SHA-512(nonce ‖ SHA-384(manifest.json)) = {Short(Convert.ToHexStringLower(expected))}… (the quote binds a different manifest)");
                }
            }
        }

        checks.AddRange(fails.Select(f => new BundleCheck(BundleCheckNames.Binding, BundleCheckStatus.Fail, f)));
        if (fails.Count == 0 && binding is not null)
        {
            checks.Add(new(BundleCheckNames.Binding, BundleCheckStatus.Pass, binding.TdxQuote is null
                ? $"{BundleLayout.Binding} matches the manifest (nonce, SHA-384); no TDX quote"
                : $"{binding.TdxQuote} REPORTDATA = SHA-512(nonce ‖ SHA-384(manifest.json))"));
        }

        CheckQuote(quote, options, checks);
        if (binding is not null)
        {
            CheckGpus(archive, manifest, digest, binding, options, checks);
        }
    }

    /// <summary>
    /// The binding of one GPU report: null when its SPDM request nonce equals SHA-256(nonce ‖ D), else why not.
    /// </summary>
    public static string? GpuBindingProblem(ReadOnlySpan<byte> requestNonce, ReadOnlySpan<byte> nonce, ReadOnlySpan<byte> manifestDigest)
    {
        var expected = BundleLayout.GpuRequestNonce(nonce, manifestDigest);
        return CryptographicOperations.FixedTimeEquals(requestNonce, expected)
            ? null
            : $"request nonce {Short(Convert.ToHexStringLower(requestNonce))}… is not SHA-256(nonce ‖ SHA-384(manifest.json)) = {Short(Convert.ToHexStringLower(expected))}… (the report binds a different manifest, or none)";
    }

    private static void CheckGpus(BundleArchive archive, BundleManifest? manifest, byte[]? digest, BundleBinding binding, BundleVerifyOptions options, List<BundleCheck> checks)
    {
        if (binding.GpuReports.Count == 0)
        {
            checks.Add(new(BundleCheckNames.GpuReports, BundleCheckStatus.Skip, binding.GpuNote ?? "no GPU reports in the bundle"));
            return;
        }

        foreach (var gpu in binding.GpuReports)
        {
            var bindingName = BundleCheckNames.GpuBinding(gpu.Index);
            var reportName = BundleCheckNames.GpuReport(gpu.Index);
            if (gpu.Report is null)
            {
                // NVML was there but could not give this GPU's evidence at collection: nothing to verify, and
                // nothing claims to be verified; the bundle says so instead of failing.
                var why = $"no evidence collected: {gpu.NvmlFunction} returned nvmlReturn_t {gpu.NvmlCode}";
                checks.Add(new(bindingName, BundleCheckStatus.Warn, why));
                checks.Add(new(reportName, BundleCheckStatus.Warn, why));
                continue;
            }

            if (!archive.Attestation.TryGetValue(gpu.Report, out var reportBytes) || !archive.Attestation.TryGetValue(gpu.Certs!, out var certBytes))
            {
                checks.Add(new(reportName, BundleCheckStatus.Fail, $"{gpu.Report} or {gpu.Certs}: missing"));
                continue;
            }

            if (!SpdmMeasurementReport.TryParse(reportBytes, out var report, out var failure))
            {
                checks.Add(new(reportName, BundleCheckStatus.Fail, $"{gpu.Report}: not an SPDM GET_MEASUREMENTS request ‖ response ({failure})"));
                continue;
            }

            if (manifest is null || digest is null)
            {
                checks.Add(new(bindingName, BundleCheckStatus.Fail, "no readable manifest to bind the report to"));
            }
            else
            {
                var problem = GpuBindingProblem(report.RequestNonce.Span, manifest.Nonce, digest);
                checks.Add(problem is null
                    ? new(bindingName, BundleCheckStatus.Pass, $"{gpu.Report} request nonce = SHA-256(nonce ‖ SHA-384(manifest.json))")
                    : new(bindingName, BundleCheckStatus.Fail, $"{gpu.Report}: {problem}"));
            }

            GpuReportVerifier verifier;
            try
            {
                verifier = new GpuReportVerifier(NvmlCertificateChain.Parse(certBytes));
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                checks.Add(new(reportName, BundleCheckStatus.Fail, $"{gpu.Certs}: {e.Message}"));
                continue;
            }

            using var owned = verifier;
            var result = verifier.Verify(report, new GpuVerificationOptions
            {
                At = options.At ?? DateTimeOffset.UtcNow,
                ExpectedNonce = manifest is null || digest is null ? null : BundleLayout.GpuRequestNonce(manifest.Nonce, digest),
                Rims = options.GpuRims,
            });

            // report.nonce is what gpu[i].binding reports; every other step is the report's own.
            var steps = result.Steps.Where(s => s.Name != "report.nonce").ToList();
            var failed = steps.Where(s => s.Status == GpuStepStatus.Fail).ToList();
            if (failed.Count > 0)
            {
                checks.AddRange(failed.Select(s => new BundleCheck(reportName, BundleCheckStatus.Fail, $"{s.Name}: {s.Code}: {s.Detail}")));
                continue;
            }

            var warned = steps.Where(s => s.Status == GpuStepStatus.Warn).Select(s => $"{s.Name}: {s.Code}").ToList();
            var skipped = steps.Where(s => s.Status == GpuStepStatus.Skip).Select(s => s.Name).ToList();
            var summary = $"signature, chain to the pinned NVIDIA root{(result.FwidMatches == true ? ", FWID" : string.Empty)} verified"
                + (warned.Count > 0 ? "; warnings: " + string.Join(", ", warned) : string.Empty)
                + (skipped.Count > 0 ? "; not checked: " + string.Join(", ", skipped) : string.Empty);
            checks.Add(new(reportName, warned.Count > 0 ? BundleCheckStatus.Warn : BundleCheckStatus.Pass, summary));
        }
    }

    private static void CheckQuote(TdxQuote? quote, BundleVerifyOptions options, List<BundleCheck> checks)
    {
        if (quote is null)
        {
            return;
        }

        if (options.Collateral is null)
        {
            checks.Add(new(BundleCheckNames.TdxQuote, BundleCheckStatus.Skip, "no --collateral DIR: the quote's signatures, PCK chain and TCB status were not checked"));
            return;
        }

        TdxCollateral collateral;
        try
        {
            collateral = TdxCollateral.Load(options.Collateral);
        }
        catch (Exception e) when (e is TdxCollateralException or IOException or UnauthorizedAccessException)
        {
            checks.Add(new(BundleCheckNames.TdxQuote, BundleCheckStatus.Fail, $"--collateral {options.Collateral}: {e.Message}"));
            return;
        }

        var result = TdxQuoteVerifier.Verify(quote, collateral, new TdxVerificationOptions { At = options.At ?? DateTimeOffset.UtcNow });
        var tcb = result.TcbStatus?.ToString() ?? "unknown";
        var failed = result.Steps.Where(s => s.Status == StepStatus.Fail).ToArray();
        if (failed.Length == 0)
        {
            checks.Add(new(BundleCheckNames.TdxQuote, result.Verdict == Attestation.Tdx.Verdict.Warn ? BundleCheckStatus.Warn : BundleCheckStatus.Pass,
                $"quote verified against {options.Collateral}; TCB status {tcb}"));
        }
        else
        {
            checks.AddRange(failed.Select(s => new BundleCheck(BundleCheckNames.TdxQuote, BundleCheckStatus.Fail, $"{s.Name}: {s.Detail} (TCB status {tcb})")));
        }
    }

    private static string Short(string hex) => hex.Length > 16 ? hex[..16] : hex;
}
