using System;
using System.CommandLine;
using EdgeLearn.HostSim.Cli;

namespace EdgeLearn.Tests.Cli;

/// <summary>Test double: records what the train command hands it; optionally throws or returns a chosen code.</summary>
internal sealed class StubAlgorithm : ITrainingAlgorithm
{
    public StubAlgorithm(string name = "stub", string? optionName = "--stub-level")
    {
        Name = name;
        OptionName = optionName;
    }

    public string Name { get; }

    public string Description => "test double";

    public string? OptionName { get; }

    public Option<int>? Level { get; private set; }

    public TrainOptions? Received { get; private set; }

    public int? ReceivedLevel { get; private set; }

    public Func<int>? Behaviour { get; set; }

    public void AddOptions(Command command)
    {
        if (OptionName is not null)
        {
            Level = new Option<int>(OptionName) { Description = "stub option", DefaultValueFactory = _ => 3 };
            command.Add(Level);
        }
    }

    public int Run(TrainOptions options, ParseResult parseResult, IRunConsole console)
    {
        Received = options;
        ReceivedLevel = Level is null ? null : parseResult.GetValue(Level);
        console.Result("stub ran");
        return Behaviour?.Invoke() ?? 0;
    }
}
