using System.CommandLine;
using CvmCheck.Cli.Attest.Tdx;

namespace CvmCheck.Cli.Commands;

/// <summary><c>cvmcheck attest tdx</c>: verify a TDX quote offline against collateral, or get a fresh one
/// from this guest (configfs-tsm, else a TDREPORT from /dev/tdx_guest). Thin: parses, then calls
/// <see cref="AttestTdxRunner"/>.</summary>
internal static class AttestTdxCommand
{
    public static Command Create(CliContext context)
    {
        var quote = new Option<string>("--quote") { Description = "Quote file (raw TDX quote v4 or v5)" };
        var collateral = new Option<string>("--collateral") { Description = "Directory with tcb_info.json, qe_identity.json, their issuer chains, pck_crl.der, root_ca_crl.der, ..." };
        var at = new Option<string>("--at") { Description = "Verification time (ISO 8601, e.g. 2025-06-20T00:00:00Z); default: now" };
        var nonce = new Option<string>("--nonce") { Description = "Hex nonce: REPORTDATA must equal SHA-512 of its bytes" };
        var format = new Option<string>("--format") { Description = "Output format: text or json", DefaultValueFactory = _ => "text" };
        var fresh = new Option<bool>("--fresh") { Description = "Get a new quote from this guest (configfs-tsm), then verify it if --collateral is given" };
        var tsmRoot = new Option<string>("--tsm-root") { Description = "configfs-tsm report directory", DefaultValueFactory = _ => TsmReportClient.DefaultRoot };
        var output = new Option<string>("--out") { Description = "With --fresh: write the quote to FILE" };
        var policy = new Option<string>("--policy") { Description = "Appraisal policy (YAML, kind Policy) over the quote's claims (tdx.tcb.status, tdx.td.debug, tdx.td.mrtd, …); replaces the default appraisal of a genuine quote" };
        format.AcceptOnlyFromAmong("text", "json");

        var command = new Command("tdx", "Verify an Intel TDX quote against collateral");
        foreach (var o in new Option[] { quote, collateral, at, nonce, format, fresh, tsmRoot, output, policy })
        {
            command.Add(o);
        }

        command.SetAction(parse => AttestTdxRunner.Live().Run(
            new AttestTdxArgs(
                parse.GetValue(quote),
                parse.GetValue(collateral),
                parse.GetValue(at),
                parse.GetValue(nonce),
                parse.GetValue(format) ?? "text",
                parse.GetValue(fresh),
                parse.GetValue(tsmRoot) ?? TsmReportClient.DefaultRoot,
                parse.GetValue(output),
                parse.GetValue(policy)),
            context.Out,
            context.Error));
        return command;
    }
}
