// DataSetException: the one error type data loading throws. Its message always names the file (or
// directory) and the check that failed, so a bad download never surfaces as an index exception.
using System;

namespace EdgeLearn.HostSim.Data;

/// <summary>A data set could not be loaded: the message names the file or directory and the failed check.</summary>
public class DataSetException : Exception
{
    /// <summary>Creates the exception with a complete, user-facing message.</summary>
    public DataSetException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a complete, user-facing message and the underlying cause.</summary>
    public DataSetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A data set is not installed where it was looked for. <see cref="Exception.Message"/> says where it looked
/// and the exact command that installs it; <see cref="InstallCommand"/> holds that command alone.
/// </summary>
public sealed class DataSetNotFoundException : DataSetException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">Complete message, including the install command.</param>
    /// <param name="installCommand">Shell command that installs the data set, or null when there is none (idx).</param>
    public DataSetNotFoundException(string message, string? installCommand)
        : base(message)
    {
        InstallCommand = installCommand;
    }

    /// <summary>Shell command that installs the missing data set, or null when the user must supply the files.</summary>
    public string? InstallCommand { get; }
}
