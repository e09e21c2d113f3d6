// DataSetsCommand: `edgelearn datasets [--data NAME] [--data-dir DIR] [--load]`. Lists the known data
// sets, where each is looked for, whether it is installed and the command that installs it; with
// --load it loads the chosen one (or every installed one) through the real loaders and prints counts,
// shape and load time.
using System;
using System.CommandLine;
using System.Diagnostics;
using System.IO;
using EdgeLearn.HostSim.Data;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Builds the <c>datasets</c> command.</summary>
public static class DataSetsCommand
{
    /// <summary>Command name.</summary>
    public const string Name = "datasets";

    /// <summary>The datasets command.</summary>
    public static Command Create()
    {
        var command = new Command(Name, "List the data sets, where they are looked for and how to install them; --load checks them with the real loaders.");
        var dataOptions = new DataOptionSet();
        dataOptions.AddTo(command);
        var load = new Option<bool>("--load") { Description = "Load and validate the data set(s), printing counts and load time." };
        command.Add(load);
        command.SetAction(parseResult =>
        {
            var console = RunConsole.Create(parseResult, quiet: false);
            var request = dataOptions.Bind(parseResult);
            bool explicitData = parseResult.GetResult(dataOptions.Data) is { Implicit: false };
            string[] names = explicitData ? new[] { request.Name } : DataSetCatalog.Names;
            return EdgeLearnCli.Guard(console, () =>
            {
                int status = ExitCodes.Success;
                foreach (string name in names)
                {
                    string? directory = explicitData ? request.DataDirectory : null;
                    directory ??= DataSetCatalog.DefaultDirectory(name);
                    if (directory is null)
                    {
                        console.Result($"{name}: give --data-dir DIR holding the four IDX files");
                        continue;
                    }

                    bool installed = IsInstalled(name, directory);
                    console.Result($"{name}: {directory} ({(installed ? "installed" : "not installed")})");
                    if (!installed)
                    {
                        string? install = name == DataSetCatalog.FashionMnist ? DataSetCatalog.FashionMnistInstallCommand
                            : name == DataSetCatalog.Mnist ? DataSetCatalog.MnistInstallCommand(directory) : null;
                        if (install is not null)
                        {
                            console.Result($"  install: {install}");
                        }

                        status = explicitData && parseResult.GetValue(load) ? ExitCodes.Failure : status;
                        continue;
                    }

                    if (parseResult.GetValue(load))
                    {
                        long start = Stopwatch.GetTimestamp();
                        var set = DataSetCatalog.Load(new DataSetRequest
                        {
                            Name = name,
                            DataDirectory = directory,
                            TrainLimit = explicitData ? request.TrainLimit : null,
                            TestLimit = explicitData ? request.TestLimit : null,
                        });
                        console.Result($"  loaded {set} in {Stopwatch.GetElapsedTime(start).TotalSeconds:F2} s");
                    }
                }

                return status;
            });
        });
        return command;
    }

    private static bool IsInstalled(string name, string directory) => name switch
    {
        DataSetCatalog.Mnist => Directory.Exists(directory) && MnistJsonLoader.FindDigitsDirectory(directory) is not null,
        _ => Directory.Exists(directory) && IdxLoader.MissingFiles(directory).Length == 0,
    };
}
