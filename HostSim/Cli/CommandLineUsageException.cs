// CommandLineUsageException: a usage error found only after parsing (for example an --arch whose input
// width does not match the data set). The command line prints its message and exits with ExitCodes.Usage.
using System;

namespace EdgeLearn.HostSim.Cli;

/// <summary>A command-line usage error detected at run time; edgelearn prints the message and exits with code 2.</summary>
public sealed class CommandLineUsageException : Exception
{
    /// <summary>Creates the exception with a message that names the option and the offending value.</summary>
    public CommandLineUsageException(string message)
        : base(message)
    {
    }
}
