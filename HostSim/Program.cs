using System.CommandLine;

namespace EdgeLearn.HostSim;

/// <summary>Entry point of the <c>edgelearn</c> command line.</summary>
public static class Program
{
    /// <summary>Builds the command tree and runs it.</summary>
    public static int Main(string[] args)
    {
        var root = new RootCommand("EdgeLearn: fixed-point on-device learning runtime and host simulator.");
        return root.Parse(args).Invoke();
    }
}
