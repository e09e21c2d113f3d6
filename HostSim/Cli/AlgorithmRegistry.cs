// AlgorithmRegistry: the learners this build of edgelearn offers to `train --algo`. Only real learners
// are registered (in Program.CreateRegistry); with none registered, `train` explains that it cannot run.
using System;
using System.Collections.Generic;
using System.CommandLine;
using System.Linq;
using System.Text.RegularExpressions;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Registered training algorithms, in registration order, looked up by name.</summary>
public sealed partial class AlgorithmRegistry
{
    private readonly List<ITrainingAlgorithm> algorithms = new();

    /// <summary>Number of registered algorithms.</summary>
    public int Count => algorithms.Count;

    /// <summary>Registered algorithms in registration order.</summary>
    public IReadOnlyList<ITrainingAlgorithm> Algorithms => algorithms;

    /// <summary>Registered names in registration order.</summary>
    public IReadOnlyList<string> Names => algorithms.Select(a => a.Name).ToArray();

    /// <summary>Registers <paramref name="algorithm"/>; its name must be new and match [a-z][a-z0-9-]*.</summary>
    public AlgorithmRegistry Register(ITrainingAlgorithm algorithm)
    {
        ArgumentNullException.ThrowIfNull(algorithm);
        string name = algorithm.Name;
        if (name is null || !ValidName().IsMatch(name))
        {
            throw new ArgumentException($"Algorithm name '{name}' must match [a-z][a-z0-9-]*.", nameof(algorithm));
        }

        if (string.IsNullOrWhiteSpace(algorithm.Description))
        {
            throw new ArgumentException($"Algorithm '{name}' needs a description for help.", nameof(algorithm));
        }

        if (Contains(name))
        {
            throw new ArgumentException($"Algorithm '{name}' is already registered.", nameof(algorithm));
        }

        algorithms.Add(algorithm);
        return this;
    }

    /// <summary>True when an algorithm called <paramref name="name"/> is registered.</summary>
    public bool Contains(string name) => Find(name) is not null;

    /// <summary>The algorithm called <paramref name="name"/>, or null.</summary>
    public ITrainingAlgorithm? Find(string name)
    {
        foreach (var algorithm in algorithms)
        {
            if (string.Equals(algorithm.Name, name, StringComparison.Ordinal))
            {
                return algorithm;
            }
        }

        return null;
    }

    /// <summary>
    /// Adds every algorithm's options to <paramref name="command"/>, in registration order. Throws when two options end
    /// up with the same name or alias, naming the algorithm that added the second one.
    /// </summary>
    public void AddAlgorithmOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var algorithm in algorithms)
        {
            algorithm.AddOptions(command);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var option in command.Options)
            {
                foreach (string alias in option.Aliases.Prepend(option.Name))
                {
                    if (!seen.Add(alias))
                    {
                        throw new InvalidOperationException(
                            $"After algorithm '{algorithm.Name}' added its options, '{command.Name}' has two options named '{alias}'; " +
                            $"share one with {nameof(AlgorithmRegistry)}.{nameof(GetOrAddOption)}.");
                    }
                }
            }
        }
    }

    /// <summary>
    /// The option called <paramref name="name"/> on <paramref name="command"/> if one exists (it must have value type
    /// <typeparamref name="T"/>), else the one <paramref name="create"/> makes, added to the command. Lets several
    /// algorithms share an option such as --weights.
    /// </summary>
    public static Option<T> GetOrAddOption<T>(Command command, string name, Func<Option<T>> create)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(create);
        foreach (var option in command.Options)
        {
            if (option.Name == name || option.Aliases.Contains(name))
            {
                return option as Option<T> ?? throw new InvalidOperationException(
                    $"Option '{name}' on '{command.Name}' has value type {option.ValueType.Name}, not {typeof(T).Name}.");
            }
        }

        var created = create();
        if (created.Name != name)
        {
            throw new InvalidOperationException($"The factory for option '{name}' made an option named '{created.Name}'.");
        }

        command.Add(created);
        return created;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex ValidName();
}
