using System.CommandLine;
using System.Text.Json;
using CvmCheck.Cli.Attest.Tdx;
using CvmCheck.Cli.Bundles;
using CvmCheck.Core.Bundles;

namespace CvmCheck.Cli.Commands;

/// <summary>
/// <c>cvmcheck verify BUNDLE [--trust PEM]... [--allow-unsigned] [--collateral DIR] [--rims DIR] [--at TIME]
/// [--format text|json]</c> (DESIGN.md §3, §6): reads the bundle in place and reports every check.
/// Exit 0 valid, 1 invalid (every reason listed), 2 unreadable (not gzip/tar, truncated, CRC error).
/// </summary>
internal static class VerifyCommand
{
    public const string Schema = "cvmcheck/verify/v1";

    public static Command Create(CliContext context)
    {
        var bundle = new Argument<string>("BUNDLE") { Description = "Evidence bundle (.tar.gz) written by collect --out" };
        var trust = new Option<string[]>("--trust") { Description = "Trust anchor certificate(s) for the signer (PEM; repeatable)", HelpName = "PEM" };
        var allowUnsigned = new Option<bool>("--allow-unsigned") { Description = "Accept an unsigned bundle or a signer that does not chain to --trust (a broken signature still fails)" };
        var collateral = new Option<string?>("--collateral") { Description = "TDX collateral directory: re-verify the bundle's quote (as attest tdx does)", HelpName = "DIR" };
        var rims = new Option<string?>("--rims") { Description = "GPU RIM directory: measurements of every stored GPU report are compared with these RIMs", HelpName = "DIR" };
        var at = new Option<string?>("--at") { Description = "Verification time for the signer chain and collateral (ISO 8601); default: the signing time / now", HelpName = "TIME" };
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("verify", "Verify an evidence bundle: hashes, signature, hardware binding");
        command.Add(bundle);
        foreach (var option in new Option[] { trust, allowUnsigned, collateral, rims, at, format })
        {
            command.Add(option);
        }

        command.SetAction(parse =>
        {
            var path = parse.GetValue(bundle)!;
            var collateralDir = parse.GetValue(collateral);
            if (collateralDir is not null && !Directory.Exists(collateralDir))
            {
                throw new UserInputException($"--collateral {collateralDir}: no such directory");
            }

            var options = new BundleVerifyOptions
            {
                Trust = BundleCli.LoadTrust(parse.GetValue(trust)),
                AllowUnsigned = parse.GetValue(allowUnsigned),
                Collateral = collateralDir,
                At = AttestTdxRunner.ParseAt(parse.GetValue(at)),
                GpuRims = parse.GetValue(rims) is { } rimDir ? Attest.Gpu.GpuAttestInputs.ReadRims(rimDir) : [],
            };
            var verification = BundleCli.Verify(path, options);
            var checks = verification.Checks;

            if (parse.GetValue(format) == "json")
            {
                FactsCommand.WriteJson(context, stream => WriteJson(stream, path, verification, checks));
            }
            else
            {
                WriteText(context.Out, path, verification, checks);
            }

            return verification.Valid ? ExitCodes.Ok : ExitCodes.Failed;
        });
        return command;
    }

    internal static void WriteJson(Stream stream, string path, BundleVerification verification, IReadOnlyList<BundleCheck> checks)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteString("bundle", path);
        w.WriteString("verdict", verification.Valid ? "pass" : "fail");
        w.WriteStartArray("checks");
        foreach (var check in checks)
        {
            w.WriteStartObject();
            w.WriteString("name", check.Name);
            w.WriteString("status", check.StatusName);
            w.WriteString("detail", check.Detail);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        if (verification.Manifest is { } m)
        {
            w.WriteStartObject("manifest");
            w.WriteString("schema", m.Schema);
            w.WriteString("toolVersion", m.ToolVersion);
            w.WriteString("created", m.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("host", m.Host);
            w.WriteString("source", m.Source);
            w.WriteString("nonce", Convert.ToHexStringLower(m.Nonce));
            w.WriteNumber("artifacts", m.Artifacts.Count);
            w.WriteNumber("bytes", m.Artifacts.Sum(a => a.Size));
            w.WriteString("sha384", Convert.ToHexStringLower(BundleLayout.ManifestDigest(verification.Archive.Manifest!)));
            if (m.Findings is { } f)
            {
                w.WriteStartObject("findings");
                w.WriteString("verdict", f.Verdict);
                w.WriteStartArray("policies");
                foreach (var p in f.Policies)
                {
                    w.WriteStringValue(p);
                }

                w.WriteEndArray();
                w.WriteStartObject("counts");
                foreach (var (status, count) in f.Counts)
                {
                    w.WriteNumber(status, count);
                }

                w.WriteEndObject();
                w.WriteStartArray("failing");
                foreach (var id in f.Failing)
                {
                    w.WriteStringValue(id);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("manifest");
        }

        w.WriteEndObject();
    }

    private static void WriteText(TextWriter output, string path, BundleVerification verification, IReadOnlyList<BundleCheck> checks)
    {
        output.WriteLine($"bundle   {path}");
        if (verification.Manifest is { } m)
        {
            output.WriteLine($"manifest created {m.Created.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} on {m.Host} by cvmcheck {m.ToolVersion}; {m.Artifacts.Count} artifacts; findings {m.Findings?.Verdict ?? "none"}");
        }

        foreach (var check in checks)
        {
            output.WriteLine($"  {check.StatusName.ToUpperInvariant(),-4}  {check.Name,-14}  {check.Detail}");
        }

        output.WriteLine(verification.Valid ? "verdict  pass: the bundle is intact" : $"verdict  fail: {verification.Failures.Count()} problem(s)");
        output.Flush();
    }
}
