using System.CommandLine;
using System.Text;
using CvmCheck.Core.Probes;
using CvmCheck.Core.Reports;
using CvmCheck.Core.Rules;
using CvmCheck.Policy;
using CvmCheck.Reporting;
using RulePolicy = CvmCheck.Core.Rules.Policy;

namespace CvmCheck.Cli.Commands;

/// <summary><c>cvmcheck check</c>: facts judged against policies; exit code from the verdict (DESIGN.md §3).</summary>
internal static class CheckCommand
{
    public const string DefaultPolicy = "baseline";

    public static Command Create(CliContext context)
    {
        var source = new SourceOptions();
        var policy = new Option<string[]>("--policy") { Description = "Policy file or built-in name (repeatable; default: baseline)", HelpName = "FILE|NAME", AllowMultipleArgumentsPerToken = false };
        var format = new Option<string[]>("--format") { Description = "Output format, optionally to a file: text, json, junit, sarif, prometheus, nfd (repeatable: --format text --format json:out.json)", HelpName = "FMT[:FILE]" };
        var output = new Option<string?>("--output") { Description = "Write the report to FILE (short for a single --format FMT:FILE)", HelpName = "FILE" };
        var failOn = new Option<string>("--fail-on") { Description = "Lowest severity whose failing rules fail the run (others warn)", DefaultValueFactory = _ => "medium" };
        failOn.AcceptOnlyFromAmong(SeverityNames.All);
        var strict = new Option<bool>("--strict") { Description = "Exit 1 on warn too" };
        var wait = new Option<string?>("--wait") { Description = "Re-check until the verdict is pass or warn, for at most DUR (e.g. 120s); exit code of the last run", HelpName = "DUR" };
        var interval = new Option<string?>("--interval") { Description = "Pause between re-checks with --wait (default 5s)", HelpName = "DUR" };
        var attestation = new Attest.AttestationFacts();
        var gpuAttestation = new Attest.GpuAttestationFacts();

        var command = new Command("check", "Judge this host's (or a snapshot's) facts against policies");
        source.AddTo(command);
        command.Add(policy);
        command.Add(format);
        command.Add(output);
        command.Add(failOn);
        command.Add(strict);
        command.Add(wait);
        command.Add(interval);
        attestation.AddTo(command);
        gpuAttestation.AddTo(command);
        command.SetAction(parse =>
        {
            var outputs = OutputSpec.Parse(parse.GetValue(format), parse.GetValue(output), ReportFormats.Names);
            var policies = LoadPolicies(parse.GetValue(policy));
            SeverityNames.TryParse(parse.GetValue(failOn), out var threshold);
            var waitPlan = WaitPlan.Parse(parse.GetValue(wait), parse.GetValue(interval));
            var attested = attestation.Collect(parse).Concat(gpuAttestation.Collect(parse, attestation.At)).ToArray();
            var report = waitPlan.Run(() => Run(source.Open(parse, context), policies, threshold, attested), context.Error, WaitPlan.IsErrorTerminal(context));
            Emit(context, outputs, report);
            return report.Verdict.ExitCode(parse.GetValue(strict));
        });
        return command;
    }

    public static IReadOnlyList<RulePolicy> LoadPolicies(IReadOnlyList<string>? references)
    {
        var refs = references is { Count: > 0 } ? references : [DefaultPolicy];
        var errors = new List<PolicyError>();
        var policies = new List<RulePolicy>();
        foreach (var reference in refs)
        {
            try
            {
                foreach (var p in PolicyLoader.LoadReference(reference))
                {
                    if (policies.All(existing => existing.Name != p.Name))
                    {
                        policies.Add(p);
                    }
                }
            }
            catch (PolicyLoadException e)
            {
                errors.AddRange(e.Errors);
            }
        }

        if (errors.Count > 0)
        {
            throw new UserInputException($"invalid --policy ({errors.Count} error{(errors.Count == 1 ? string.Empty : "s")}):" + Environment.NewLine
                + string.Join(Environment.NewLine, errors.Select(e => "  " + e)));
        }

        return policies;
    }

    public static CheckReport Run(Core.Sources.ISystemSource source, IReadOnlyList<RulePolicy> policies, Severity failOn, IReadOnlyList<Core.Facts.Fact>? extraFacts = null)
    {
        var facts = ProbeRunner.Collect(source);
        facts.AddRange(extraFacts ?? []);
        var findings = RuleEvaluator.Evaluate(policies, facts, new EvaluationOptions { FailOn = failOn });

        // Failure signatures over the same source's kernel log; they stay in diagnoses[], and one of
        // severity >= fail-on fails the verdict (DESIGN.md §3). A source without a log has none.
        var (diagnoses, _) = DiagnoseCommand.DiagnoseSource(source, facts, TextWriter.Null);
        return new CheckReport
        {
            Verdict = VerdictRules.Of(findings.Select(f => f.Status), diagnoses.Any(d => Core.Diagnosis.DiagnoseReport.Fails(d, failOn))),
            Findings = findings,
            Diagnoses = diagnoses,
            Facts = facts,
            Policies = policies.Select(p => p.Name).ToArray(),
            Source = source.Description,
            FailOn = failOn,
        };
    }

    public static void Emit(CliContext context, IReadOnlyList<OutputSpec> outputs, CheckReport report)
    {
        foreach (var spec in outputs.Where(s => s.File is not null))
        {
            AtomicFile.Write(spec.File!, stream => ReportFormats.Write(spec.Format, stream, report));
        }

        if (outputs.FirstOrDefault(s => s.File is null) is { } toStdout)
        {
            using var buffer = new MemoryStream();
            ReportFormats.Write(toStdout.Format, buffer, report, colour: context.IsTerminal && toStdout.Format == "text");
            context.Out.Write(Encoding.UTF8.GetString(buffer.ToArray()));
            if (toStdout.Format != "text")
            {
                context.Out.WriteLine();
            }

            context.Out.Flush();
        }
    }
}
