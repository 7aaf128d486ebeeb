using System.CommandLine;
using Berth.Commands;

var root = new RootCommand("Berth: a Kubernetes-compatible container orchestrator in one binary.")
{
    ServerCommand.Create(),
    KubeconfigCommand.Create(),
};
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
