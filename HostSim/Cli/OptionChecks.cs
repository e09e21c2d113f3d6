// OptionChecks: range validators shared by the option sets. Each adds one parse error that names the
// option, the value given and the allowed range; the parser then exits with ExitCodes.Usage.
// They read the typed token themselves: System.CommandLine runs validators even when the value failed
// to convert (then the conversion error is already reported and the check stays silent), and a value
// taken from the default is valid by construction.
using System.CommandLine.Parsing;
using System.Globalization;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Reusable option validators.</summary>
public static class OptionChecks
{
    /// <summary>Adds an error when the integer given for <paramref name="result"/> is below <paramref name="minimum"/>.</summary>
    public static void AtLeast(OptionResult result, string name, int minimum)
    {
        if (TryGetTypedInt(result, out int value) && value < minimum)
        {
            result.AddError($"{name} is {value}; it must be at least {minimum}.");
        }
    }

    /// <summary>Adds an error when the integer given for <paramref name="result"/> is outside [<paramref name="minimum"/>, <paramref name="maximum"/>].</summary>
    public static void InRange(OptionResult result, string name, int minimum, int maximum)
    {
        if (TryGetTypedInt(result, out int value) && (value < minimum || value > maximum))
        {
            result.AddError($"{name} is {value}; it must be in [{minimum}, {maximum}].");
        }
    }

    private static bool TryGetTypedInt(OptionResult result, out int value)
    {
        value = 0;
        return result.Tokens.Count > 0
            && int.TryParse(result.Tokens[^1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }
}
