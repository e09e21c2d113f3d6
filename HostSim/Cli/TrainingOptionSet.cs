// TrainingOptionSet: the options every learner of `edgelearn train` shares, with their validators,
// and their binding to a TrainOptions object. The algorithm list for --algo comes from the registry,
// so only learners that really exist are accepted.
using System;
using System.CommandLine;
using System.CommandLine.Parsing;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Common training options; add them with <see cref="AddTo"/>, read them with <see cref="Bind"/>.</summary>
public sealed class TrainingOptionSet
{
    private readonly AlgorithmRegistry registry;

    /// <summary>Creates the options; --algo is validated against <paramref name="registry"/> at parse time.</summary>
    public TrainingOptionSet(AlgorithmRegistry registry)
    {
        this.registry = registry ?? throw new ArgumentNullException(nameof(registry));
        Algorithm = new Option<string?>("--algo")
        {
            Description = "Learning algorithm" + (registry.Count > 0 ? $": {string.Join(", ", registry.Names)}." : " (none is registered in this build)."),
            HelpName = "name",
        };
        Algorithm.CompletionSources.Add(_ => registry.Names);
        Algorithm.Validators.Add(result =>
        {
            string? name = result.GetValueOrDefault<string?>();
            if (registry.Count > 0 && (name is null || !registry.Contains(name)))
            {
                result.AddError($"--algo '{name}' is not a registered algorithm; use one of: {string.Join(", ", registry.Names)}.");
            }
        });

        Architecture = new Option<LayerArchitecture?>("--arch")
        {
            Description = "Layer widths from input to output, e.g. 784-256-10 (default: the algorithm's own).",
            HelpName = "widths",
            CustomParser = ParseArchitecture,
        };

        Epochs = new Option<int>("--epochs")
        {
            Description = "Passes over the training samples.",
            HelpName = "N",
            DefaultValueFactory = _ => 1,
        };
        Epochs.Validators.Add(result => OptionChecks.AtLeast(result, "--epochs", 1));

        Batch = new Option<int?>("--batch")
        {
            Description = "Samples per update (default: the algorithm's own).",
            HelpName = "N",
        };
        Batch.Validators.Add(result => OptionChecks.AtLeast(result, "--batch", 1));

        Seed = new Option<uint>("--seed")
        {
            Description = "Seed of every random stream of the run (0 .. 4294967295).",
            HelpName = "N",
            DefaultValueFactory = _ => 1u,
        };

        Oracle = new Option<bool>("--oracle") { Description = "Also train the float64 oracle in the same process and report its accuracy." };
        Output = new Option<string?>("--out") { Description = "Write the trained model image to FILE.", HelpName = "FILE" };
        Report = new Option<string?>("--report") { Description = "Write the JSON run report to FILE.", HelpName = "FILE" };
        Quiet = new Option<bool>("--quiet") { Description = "No progress display; print only results." };
    }

    /// <summary>The data-set options (--data, --data-dir, --train-limit, --test-limit).</summary>
    public DataOptionSet DataOptions { get; } = new();

    /// <summary>--algo.</summary>
    public Option<string?> Algorithm { get; }

    /// <summary>--arch.</summary>
    public Option<LayerArchitecture?> Architecture { get; }

    /// <summary>--epochs.</summary>
    public Option<int> Epochs { get; }

    /// <summary>--batch.</summary>
    public Option<int?> Batch { get; }

    /// <summary>--seed.</summary>
    public Option<uint> Seed { get; }

    /// <summary>--oracle.</summary>
    public Option<bool> Oracle { get; }

    /// <summary>--out.</summary>
    public Option<string?> Output { get; }

    /// <summary>--report.</summary>
    public Option<string?> Report { get; }

    /// <summary>--quiet.</summary>
    public Option<bool> Quiet { get; }

    /// <summary>
    /// Adds all options to <paramref name="command"/>, plus command checks: an algorithm must be registered and chosen.
    /// </summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Add(Algorithm);
        DataOptions.AddTo(command);
        command.Add(Architecture);
        command.Add(Epochs);
        command.Add(Batch);
        command.Add(Seed);
        command.Add(Oracle);
        command.Add(Output);
        command.Add(Report);
        command.Add(Quiet);
        command.Validators.Add(result =>
        {
            if (registry.Count == 0)
            {
                result.AddError($"No training algorithm is registered in this build of edgelearn, so '{command.Name}' cannot run.");
            }
            else if (result.GetResult(Algorithm) is null)
            {
                result.AddError($"--algo is required; use one of: {string.Join(", ", registry.Names)}.");
            }
        });
    }

    /// <summary>Reads the parsed values into a plain options object.</summary>
    public TrainOptions Bind(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return new TrainOptions
        {
            Algorithm = parseResult.GetValue(Algorithm) ?? "",
            Data = DataOptions.Bind(parseResult),
            Architecture = parseResult.GetValue(Architecture),
            Epochs = parseResult.GetValue(Epochs),
            Batch = parseResult.GetValue(Batch),
            Seed = parseResult.GetValue(Seed),
            Oracle = parseResult.GetValue(Oracle),
            OutputPath = parseResult.GetValue(Output),
            ReportPath = parseResult.GetValue(Report),
            Quiet = parseResult.GetValue(Quiet),
        };
    }

    private static LayerArchitecture? ParseArchitecture(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (!LayerArchitecture.TryParse(text, out var architecture, out string? error))
        {
            result.AddError(error);
            return null;
        }

        return architecture;
    }
}
