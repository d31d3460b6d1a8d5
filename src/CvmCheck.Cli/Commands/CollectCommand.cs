using System.CommandLine;
using System.Security.Cryptography;
using CvmCheck.Cli.Attest.Tdx;
using CvmCheck.Cli.Bundles;
using CvmCheck.Core.Probes;
using CvmCheck.Core.Rules;
using CvmCheck.Core.Snapshots;
using CvmCheck.Core.Sources;

namespace CvmCheck.Cli.Commands;

/// <summary>
/// <c>cvmcheck collect [--root DIR] (--snapshot DIR [--force] | --out BUNDLE.tar.gz [--nonce HEX] [--attest]
/// [--sign-cert PEM --sign-key PEM]) [--policy …]</c>: runs every probe (whatever <c>--policy</c> says, so
/// any policy can be replayed later) through a <see cref="RecordingSource"/> and writes what was read as a
/// DESIGN.md §1a snapshot, or as a signed evidence bundle (§6; <see cref="BundleCollector"/>).
/// <c>check --root</c>/<c>check --from</c> on it gives the findings the live run gives. Exit 0 once
/// written, 2 for bad input (a non-empty target without --force, a bad key, no configfs-tsm for --attest).
/// </summary>
internal static class CollectCommand
{
    public static Command Create(CliContext context)
    {
        var source = new SourceOptions();
        var snapshot = new Option<string?>("--snapshot") { Description = "Write a snapshot directory (DESIGN.md §1a layout)", HelpName = "DIR" };
        var force = new Option<bool>("--force") { Description = "Replace a non-empty --snapshot directory" };
        var policy = new Option<string[]>("--policy") { Description = "Policies whose findings summary goes into the bundle manifest (default: baseline); collect always runs every probe", HelpName = "FILE|NAME" };
        var bundle = new Option<string?>("--out") { Description = "Write an evidence bundle (.tar.gz: artifacts/, manifest.json, signature, attestation)", HelpName = "BUNDLE.tar.gz" };
        var nonce = new Option<string?>("--nonce") { Description = "With --out: nonce recorded in the manifest and bound into the attestation (default: 32 random bytes)", HelpName = "HEX" };
        var attest = new Option<bool>("--attest") { Description = "With --out: bind the bundle to this TDX guest with a quote whose REPORTDATA = SHA-512(nonce ‖ SHA-384(manifest.json)), and to each GPU (when NVML is present) with an SPDM report whose request nonce = SHA-256(nonce ‖ SHA-384(manifest.json))" };
        var tsmRoot = new Option<string>("--tsm-root") { Description = "configfs-tsm report directory for --attest", DefaultValueFactory = _ => TsmReportClient.DefaultRoot, HelpName = "DIR" };
        var signCert = new Option<string?>("--sign-cert") { Description = "With --out: signer certificate (PEM; intermediates may follow the leaf)", HelpName = "PEM" };
        var signKey = new Option<string?>("--sign-key") { Description = "With --out: the signer's private key (PEM, RSA or ECDSA, unencrypted)", HelpName = "PEM" };

        var command = new Command("collect", "Record everything cvmcheck reads into a snapshot directory or a signed evidence bundle");
        source.AddTo(command);
        foreach (var option in new Option[] { snapshot, force, policy, bundle, nonce, attest, tsmRoot, signCert, signKey })
        {
            command.Add(option);
        }

        command.SetAction(parse =>
        {
            var target = parse.GetValue(snapshot);
            var outFile = parse.GetValue(bundle);
            if ((target is null) == (outFile is null))
            {
                throw new UserInputException("collect: give --snapshot DIR or --out BUNDLE.tar.gz (one of them)");
            }

            if (outFile is null && (parse.GetValue(nonce) is not null || parse.GetValue(attest) || parse.GetValue(signCert) is not null || parse.GetValue(signKey) is not null))
            {
                throw new UserInputException("--nonce, --attest, --sign-cert and --sign-key apply only with --out BUNDLE.tar.gz");
            }

            var policies = CheckCommand.LoadPolicies(parse.GetValue(policy)); // a bad policy is still bad input
            BundleRequest? request = null;
            Attest.Tdx.TsmReportClient? tsm = null;
            if (outFile is not null)
            {
                var (signer, intermediates) = BundleCollector.LoadSigner(parse.GetValue(signCert), parse.GetValue(signKey));
                var nonceBytes = AttestTdxRunner.ParseNonce(parse.GetValue(nonce)) ?? RandomNumberGenerator.GetBytes(Core.Bundles.BundleLayout.DefaultNonceLength);
                request = new BundleRequest(outFile, nonceBytes, parse.GetValue(attest), parse.GetValue(tsmRoot) ?? TsmReportClient.DefaultRoot, signer, intermediates);
                tsm = BundleCollector.OpenTsm(request);
                if (Directory.Exists(outFile))
                {
                    throw new UserInputException($"--out {outFile}: is a directory; give a file name such as evidence.tar.gz");
                }
            }

            var recording = new RecordingSource(source.Open(parse, context));
            var report = CheckCommand.Run(recording, policies, Severity.Medium);
            var artifacts = recording.Artifacts;
            var commands = artifacts.Count(a => a.Kind == RecordedArtifactKind.Command);
            var files = artifacts.Sum(a => a.Files.Count);
            if (request is not null)
            {
                BundleCollector.Write(request, recording, report, tsm, context.Error);
                context.Error.WriteLine($"cvmcheck: wrote bundle {request.Out} ({files} files, {commands} commands{(request.Signer is null ? ", unsigned" : ", signed")}{(request.Attest ? ", TDX-bound" : string.Empty)}) from {recording.Description}");
                return ExitCodes.Ok;
            }

            try
            {
                SnapshotWriter.WriteAtomically(artifacts, target!, parse.GetValue(force));
            }
            catch (SnapshotWriteException e)
            {
                throw new UserInputException("--snapshot " + e.Message);
            }

            context.Error.WriteLine($"cvmcheck: wrote snapshot {target} ({files} files, {commands} commands) from {recording.Description}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
