// ExitCodes: what edgelearn returns to the shell. Scripts and CI branch on these.
namespace EdgeLearn.HostSim.Cli;

/// <summary>Process exit codes of the edgelearn command line.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command was well-formed but failed (missing or corrupt data set, I/O error, learner failure).</summary>
    public const int Failure = 1;

    /// <summary>The command line itself was wrong: unknown option, bad value, value out of range, option conflict.</summary>
    public const int Usage = 2;
}
