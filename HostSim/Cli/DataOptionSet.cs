// DataOptionSet: the command-line options that choose a data set (--data, --data-dir, --train-limit,
// --test-limit), shared by train and by any command that loads data. Validation runs in the parser,
// so a bad value is a usage error (exit code 2) before anything is loaded.
using System.CommandLine;
using System.CommandLine.Parsing;
using EdgeLearn.HostSim.Data;

namespace EdgeLearn.HostSim.Cli;

/// <summary>The data-set options; add them to a command with <see cref="AddTo"/> and read them with <see cref="Bind"/>.</summary>
public sealed class DataOptionSet
{
    /// <summary>Creates the options with their validators.</summary>
    public DataOptionSet()
    {
        Data = new Option<string>("--data")
        {
            Description = $"Data set: {string.Join(", ", DataSetCatalog.Names)}.",
            HelpName = "name",
            DefaultValueFactory = _ => DataSetCatalog.FashionMnist,
        };
        Data.CompletionSources.Add(DataSetCatalog.Names);
        Data.Validators.Add(result =>
        {
            string? name = result.GetValueOrDefault<string>();
            if (!DataSetCatalog.IsKnown(name))
            {
                result.AddError($"--data '{name}' is not a known data set; use one of: {string.Join(", ", DataSetCatalog.Names)}.");
            }
        });

        DataDirectory = new Option<string?>("--data-dir")
        {
            Description = "Directory to load the data set from instead of its default location (required for --data idx).",
            HelpName = "dir",
        };

        TrainLimit = CreateLimit("--train-limit", "Use only the first N training samples.");
        TestLimit = CreateLimit("--test-limit", "Use only the first N test samples.");
    }

    /// <summary>--data: data set name.</summary>
    public Option<string> Data { get; }

    /// <summary>--data-dir: explicit data directory.</summary>
    public Option<string?> DataDirectory { get; }

    /// <summary>--train-limit: first N training samples.</summary>
    public Option<int?> TrainLimit { get; }

    /// <summary>--test-limit: first N test samples.</summary>
    public Option<int?> TestLimit { get; }

    /// <summary>Adds the options to <paramref name="command"/>, with a check that --data idx comes with --data-dir.</summary>
    public void AddTo(Command command)
    {
        command.Add(Data);
        command.Add(DataDirectory);
        command.Add(TrainLimit);
        command.Add(TestLimit);
        command.Validators.Add(result =>
        {
            if (result.GetValue(Data) == DataSetCatalog.Idx && string.IsNullOrEmpty(result.GetValue(DataDirectory)))
            {
                result.AddError("--data idx needs --data-dir DIR, a directory holding the four IDX files (train-images-idx3-ubyte[.gz] ...).");
            }
        });
    }

    /// <summary>The parsed options as a data-set request.</summary>
    public DataSetRequest Bind(ParseResult parseResult) => new()
    {
        Name = parseResult.GetValue(Data) ?? DataSetCatalog.FashionMnist,
        DataDirectory = parseResult.GetValue(DataDirectory),
        TrainLimit = parseResult.GetValue(TrainLimit),
        TestLimit = parseResult.GetValue(TestLimit),
    };

    private static Option<int?> CreateLimit(string name, string description)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "N" };
        option.Validators.Add(result => OptionChecks.AtLeast(result, name, 1));
        return option;
    }
}
