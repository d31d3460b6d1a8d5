using System.Text.RegularExpressions;
using CvmCheck.Policy;
using CvmCheck.Testing;
using YamlDotNet.RepresentationModel;

namespace CvmCheck.Cli.Tests;

/// <summary>
/// The integration files under <c>deploy/</c> are parsed and checked for the fields Kubernetes,
/// systemd and cloud-init need — and every cvmcheck command line in them is parsed by the real CLI,
/// so a renamed flag or policy breaks this test instead of a production rollout.
/// </summary>
public sealed partial class GateDeployManifestTests
{
    private static string Deploy(params string[] parts) => Path.Combine([Repo.Root, "deploy", .. parts]);

    private static List<YamlMappingNode> Documents(string path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(path);
        stream.Load(reader);
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static YamlNode? At(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    private static string? Scalar(YamlNode node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    private static IEnumerable<YamlMappingNode> Items(YamlNode node, params string[] path) =>
        (At(node, path) as YamlSequenceNode)?.Children.Cast<YamlMappingNode>() ?? [];

    [Theory]
    [InlineData("init-container.yaml", "Pod", "v1")]
    [InlineData("gate-job.yaml", "Job", "batch/v1")]
    [InlineData("nfd-daemonset.yaml", "DaemonSet", "apps/v1")]
    public void Kubernetes_manifest_has_api_version_kind_name_and_containers_with_image_and_command(string file, string kind, string apiVersion)
    {
        var doc = Assert.Single(Documents(Deploy("kubernetes", file)));
        Assert.Equal(apiVersion, Scalar(doc, "apiVersion"));
        Assert.Equal(kind, Scalar(doc, "kind"));
        Assert.False(string.IsNullOrEmpty(Scalar(doc, "metadata", "name")));
        var pod = kind == "Pod" ? At(doc, "spec")! : At(doc, "spec", "template", "spec")!;
        var containers = Items(pod, "containers").Concat(Items(pod, "initContainers")).ToList();
        Assert.NotEmpty(containers);
        Assert.All(containers, c =>
        {
            Assert.False(string.IsNullOrEmpty(Scalar(c, "name")));
            Assert.False(string.IsNullOrEmpty(Scalar(c, "image")));
            Assert.NotEmpty(Assert.IsType<YamlSequenceNode>(At(c, "command")).Children);
        });
        if (kind != "Pod")
        {
            var labels = (YamlMappingNode)At(doc, "spec", "template", "metadata", "labels")!;
            if (At(doc, "spec", "selector", "matchLabels") is YamlMappingNode selector)
            {
                Assert.All(selector.Children, kv => Assert.Equal(kv.Value, labels.Children[kv.Key]));
            }
        }
    }

    [Fact]
    public void Init_container_gates_the_workload_on_the_production_policy()
    {
        var pod = At(Single("init-container.yaml"), "spec")!;
        var init = Assert.Single(Items(pod, "initContainers"));
        var args = Command(init);
        AssertValidCheck(args);
        Assert.Equal("h100-tdx-cc-production", args[args.IndexOf("--policy") + 1]);
        Assert.Contains(Items(pod, "containers"), c => At(c, "resources", "limits", "nvidia.com/gpu") is not null);
    }

    [Fact]
    public void Gate_job_fails_on_the_first_failed_check()
    {
        var doc = Single("gate-job.yaml");
        Assert.Equal("0", Scalar(doc, "spec", "backoffLimit"));
        Assert.Equal("Never", Scalar(doc, "spec", "template", "spec", "restartPolicy"));
        AssertValidCheck(Command(Assert.Single(Items(At(doc, "spec", "template", "spec")!, "containers"))));
    }

    [Fact]
    public void Nfd_daemonset_writes_the_feature_file_nfd_reads_with_cvmchecks_own_nfd_format()
    {
        var spec = At(Single("nfd-daemonset.yaml"), "spec", "template", "spec")!;
        var container = Assert.Single(Items(spec, "containers"));
        var script = Command(container).Last();
        var check = CvmcheckLines(script).Single();
        AssertValidCheck(check);
        Assert.Contains("nfd:/etc/kubernetes/node-feature-discovery/features.d/cvmcheck", check);
        Assert.Contains(Items(container, "volumeMounts"), m => Scalar(m, "mountPath") == "/etc/kubernetes/node-feature-discovery/features.d");
        Assert.Contains(Items(spec, "volumes"), v => Scalar(v, "hostPath", "path") == "/etc/kubernetes/node-feature-discovery/features.d");
        Assert.DoesNotContain("jq", script);
        Assert.DoesNotContain("nvidia.com/gpu.", script);
    }

    [Fact]
    public void Systemd_service_timer_and_gate_drop_in_have_their_required_keys()
    {
        var service = Ini(Deploy("systemd", "cvmcheck.service"));
        Assert.Equal("oneshot", service[("Service", "Type")].Single());
        AssertValidCheck(Split(service[("Service", "ExecStart")].Single()));

        var timer = Ini(Deploy("systemd", "cvmcheck.timer"));
        Assert.True(timer.ContainsKey(("Timer", "OnUnitActiveSec")));
        Assert.Equal("timers.target", timer[("Install", "WantedBy")].Single());

        var gate = Ini(Deploy("systemd", "gpu-workload.service.d", "10-cvmcheck-gate.conf"));
        var pre = Split(gate[("Service", "ExecStartPre")].Single());
        Assert.Equal(["/usr/local/bin/cvmcheck", "check", "--policy", "h100-tdx-cc-production", "--wait", "120s"], pre);
        AssertValidCheck(pre);
        Assert.True(Duration.Parse(gate[("Service", "TimeoutStartSec")].Single() + "s", "TimeoutStartSec") > Duration.Parse("120s", "--wait"));
    }

    [Fact]
    public void Cloud_init_is_cloud_config_installing_the_units_and_enabling_the_timer()
    {
        Assert.StartsWith("#cloud-config\n", File.ReadAllText(Deploy("cloud-init", "cvmcheck.yaml")));
        var doc = Assert.Single(Documents(Deploy("cloud-init", "cvmcheck.yaml")));
        var paths = Items(doc, "write_files").Select(f => Scalar(f, "path")).ToList();
        Assert.Contains("/etc/systemd/system/cvmcheck.service", paths);
        Assert.Contains("/etc/systemd/system/cvmcheck.timer", paths);
        var runcmd = ((YamlSequenceNode)At(doc, "runcmd")!).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();
        Assert.Contains("systemctl enable --now cvmcheck.timer", runcmd);
        foreach (var line in runcmd.Where(l => l.StartsWith("/usr/local/bin/cvmcheck ", StringComparison.Ordinal)))
        {
            AssertValidCheck(Split(line.Split("||")[0]));
        }

        foreach (var file in Items(doc, "write_files"))
        {
            var unit = Scalar(file, "content")!;
            foreach (Match m in ExecLine().Matches(unit))
            {
                AssertValidCheck(Split(m.Groups[1].Value));
            }
        }
    }

    private static YamlMappingNode Single(string file) => Assert.Single(Documents(Deploy("kubernetes", file)));

    private static List<string> Command(YamlMappingNode container) =>
        ((YamlSequenceNode)At(container, "command")!).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    private static IEnumerable<List<string>> CvmcheckLines(string script) =>
        script.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("/usr/local/bin/cvmcheck ", StringComparison.Ordinal))
            .Select(Split);

    private static List<string> Split(string line) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).ToList();

    /// <summary>The command line parses with the real verb tree, names a built-in policy and a valid wait.</summary>
    private static void AssertValidCheck(List<string> argv)
    {
        Assert.Equal("/usr/local/bin/cvmcheck", argv[0]);
        Assert.Equal("check", argv[1]);
        var context = new CliContext(TextWriter.Null, TextWriter.Null, new GlobalOptions());
        var parse = CliApp.BuildRoot(context).Parse(argv.Skip(1).ToArray());
        Assert.Empty(parse.Errors);
        for (var i = 1; i < argv.Count - 1; i++)
        {
            switch (argv[i])
            {
                case "--policy":
                    Assert.True(BuiltInPolicies.Exists(argv[i + 1]), $"no built-in policy {argv[i + 1]}");
                    break;
                case "--wait" or "--interval":
                    Duration.Parse(argv[i + 1], argv[i]);
                    break;
                case "--format":
                    OutputSpec.Parse([argv[i + 1]], null, Reporting.ReportFormats.Names);
                    break;
            }
        }
    }

    /// <summary>systemd unit files as (section, key) → values; comments and blank lines skipped.</summary>
    private static Dictionary<(string Section, string Key), List<string>> Ini(string path)
    {
        var result = new Dictionary<(string, string), List<string>>();
        var section = string.Empty;
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith(';'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1];
                continue;
            }

            var eq = line.IndexOf('=');
            Assert.True(eq > 0 && section.Length > 0, $"{path}: not key=value in a section: {line}");
            var key = (section, line[..eq]);
            if (!result.TryGetValue(key, out var values))
            {
                result[key] = values = [];
            }

            values.Add(line[(eq + 1)..]);
        }

        return result;
    }

    [GeneratedRegex(@"^Exec\w*=(.+)$", RegexOptions.Multiline)]
    private static partial Regex ExecLine();
}
