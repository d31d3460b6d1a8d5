using System.CommandLine;
using System.Text;
using CvmCheck.Cli.PolicyTools;
using CvmCheck.Core.Probes;
using CvmCheck.Policy.Init;

namespace CvmCheck.Cli.Commands;

/// <summary><c>cvmcheck policy lint|init|list|show</c>: tooling for policy authors (DESIGN.md §3).</summary>
internal static class PolicyCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("policy", "Lint, list, show and initialise policies");
        command.Add(Lint(context));
        command.Add(Init(context));
        command.Add(List(context));
        command.Add(Show(context));
        return command;
    }

    private static Command Lint(CliContext context)
    {
        var files = new Argument<string[]>("FILE") { Description = "Policy files (or built-in names) to check", Arity = ArgumentArity.OneOrMore };
        var command = new Command("lint", "Report every error of every policy file as file:line:col: message (exit 0 clean, 2 with errors)") { files };
        command.SetAction(parse => PolicyLint.Run(parse.GetValue(files) ?? [], context.Out, context.Error));
        return command;
    }

    private static Command Init(CliContext context)
    {
        var source = new SourceOptions();
        var output = new Option<string?>("--output") { Description = "Write the policy to FILE (atomically) instead of stdout", HelpName = "FILE" };
        var name = new Option<string>("--name") { Description = "metadata.name of the generated policy", DefaultValueFactory = _ => "host-pinned" };
        var command = new Command("init", "Write a policy that pins this host's (or a snapshot's) current driver, VBIOS, CC mode, kernel and firmware");
        source.AddTo(command);
        command.Add(output);
        command.Add(name);
        command.SetAction(parse =>
        {
            var src = source.Open(parse, context);
            var facts = ProbeRunner.Collect(src);
            var yaml = PolicyInitGenerator.Generate(facts, new PolicyInitGenerator.Options { Name = parse.GetValue(name) ?? "host-pinned", Source = src.Description });
            if (parse.GetValue(output) is { } file)
            {
                AtomicFile.Write(file, s => s.Write(new UTF8Encoding(false).GetBytes(yaml)));
                context.Error.WriteLine($"cvmcheck: wrote {file}");
            }
            else
            {
                context.Out.Write(yaml);
                context.Out.Flush();
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command List(CliContext context)
    {
        var command = new Command("list", "List the built-in policies with their descriptions");
        command.SetAction(_ => PolicyCatalogue.List(context.Out));
        return command;
    }

    private static Command Show(CliContext context)
    {
        var name = new Argument<string>("NAME") { Description = "A built-in policy name (see 'policy list')" };
        var command = new Command("show", "Print a built-in policy's YAML") { name };
        command.SetAction(parse => PolicyCatalogue.Show(parse.GetValue(name)!, context.Out));
        return command;
    }
}
