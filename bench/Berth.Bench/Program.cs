using Berth.Bench;

// berth-bench <scenario> [--out docs/benchmarks.md section file]
//   api   the API server against raw SQLite (issue: API server)
var scenario = args.Length > 0 ? args[0] : "api";
var report = scenario switch
{
    "api" => await new ApiBench().RunAsync(),
    "pipeline" => await PipelineBench.RunAsync(),
    _ => throw new ArgumentException("unknown scenario " + scenario + " (known: api)"),
};
Console.WriteLine(report);
var outIndex = Array.IndexOf(args, "--out");
if (outIndex >= 0 && outIndex + 1 < args.Length)
{
    File.WriteAllText(args[outIndex + 1], report);
}
