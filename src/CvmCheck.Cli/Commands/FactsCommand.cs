using System.CommandLine;
using CvmCheck.Core.Probes;
using CvmCheck.Reporting;

namespace CvmCheck.Cli.Commands;

/// <summary><c>cvmcheck facts [--root DIR] [--format text|json]</c>: what cvmcheck read, as facts with provenance.</summary>
internal static class FactsCommand
{
    public static Command Create(CliContext context)
    {
        var source = new SourceOptions();
        var format = new Option<string>("--format") { Description = "text or json", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("facts", "Print the facts read from this host or a snapshot (DESIGN.md §1b names)");
        source.AddTo(command);
        command.Add(format);
        command.SetAction(parse =>
        {
            var facts = ProbeRunner.Collect(source.Open(parse, context));
            if (parse.GetValue(format) == "json")
            {
                WriteJson(context, w => JsonFacts.WriteDocument(w, facts));
            }
            else
            {
                TextReport.WriteFacts(context.Out, facts);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Writes UTF-8 JSON produced into a stream to the context's stdout writer.</summary>
    internal static void WriteJson(CliContext context, Action<Stream> write)
    {
        using var buffer = new MemoryStream();
        write(buffer);
        context.Out.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        context.Out.Flush();
    }
}
