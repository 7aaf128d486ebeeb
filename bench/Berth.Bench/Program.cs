using Berth.Bench;

// berth-bench <scenario> [--out docs/benchmarks.md section file]
//   api   the API server against raw SQLite (issue: API server)
//   cri   raw CRI sandbox+create+start through the managed containerd (root); --md FILE puts the
//         "## CRI floor" section into FILE (docs/benchmarks.md), keeping its other sections
var scenario = args.Length > 0 ? args[0] : "api";
var report = scenario switch
{
    "api" => await new ApiBench().RunAsync(),
    "pipeline" => await PipelineBench.RunAsync(),
    "cri" => await CriBench.RunAsync(),
    _ => throw new ArgumentException("unknown scenario " + scenario + " (known: api, pipeline, cri)"),
};
Console.WriteLine(report);
var outIndex = Array.IndexOf(args, "--out");
if (outIndex >= 0 && outIndex + 1 < args.Length)
{
    File.WriteAllText(args[outIndex + 1], report);
}
var mdIndex = Array.IndexOf(args, "--md");
if (mdIndex >= 0 && mdIndex + 1 < args.Length)
{
    MarkdownSection.Upsert(args[mdIndex + 1], report);
}
