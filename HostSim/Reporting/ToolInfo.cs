// ToolInfo: the edgelearn version, read once from the assembly's informational version
// (the project Version plus, when built from git, "+<commit>"). --version prints it and every
// run report records it as tool_version.
using System.Reflection;

namespace EdgeLearn.HostSim.Reporting;

/// <summary>Version information of the edgelearn tool.</summary>
public static class ToolInfo
{
    /// <summary>Informational version of the edgelearn assembly, e.g. "0.1.0+1a2b3c4".</summary>
    public static string Version { get; } =
        typeof(ToolInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(ToolInfo).Assembly.GetName().Version?.ToString()
        ?? "unknown";
}
