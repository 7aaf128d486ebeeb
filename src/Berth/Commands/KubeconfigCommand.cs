using System.CommandLine;

namespace Berth.Commands;

/// <summary><c>berth kubeconfig</c>: prints the admin kubeconfig that <c>berth server</c> wrote.</summary>
internal static class KubeconfigCommand
{
    public static Command Create()
    {
        var dataDir = CommonOptions.DataDir();
        var command = new Command("kubeconfig", "Print the admin kubeconfig") { dataDir };
        command.SetAction(result =>
        {
            var path = Path.Combine(result.GetValue(dataDir)!, "admin.kubeconfig");
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"no kubeconfig at {path}: start `berth server --data-dir {result.GetValue(dataDir)}` first");
                return 1;
            }
            Console.Out.Write(File.ReadAllText(path));
            return 0;
        });
        return command;
    }
}
