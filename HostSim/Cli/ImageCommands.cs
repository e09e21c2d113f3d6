// ImageCommands: the model-image commands of edgelearn.
//   export  [IMAGE | --init ...] --out FILE [--inference] [--cs FILE [--namespace NS] [--class NAME]] [--resx FILE]
//   inspect IMAGE [--json]       human-readable (or JSON) summary; exit 0 valid, 1 invalid
//   verify  IMAGE...             exit 0 when every image passes every check, 1 with the failed check and offset
//   eval    --model IMAGE [--data ...] [--report FILE]   accuracy of an image on a data set's test part
// Exit codes as everywhere (ExitCodes): 0 success, 1 failure (unreadable or invalid image, data set), 2 usage.
using System;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using EdgeLearn.HostSim.Data;
using EdgeLearn.HostSim.Images;
using EdgeLearn.HostSim.Reporting;
using EdgeLearn.Kernels;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using EdgeLearn.Runtime.Learners.SelfContrastiveForwardForward;
using EdgeLearn.Runtime.Models;

namespace EdgeLearn.HostSim.Cli;

/// <summary>Builds the export, inspect, verify and eval commands.</summary>
public static class ImageCommands
{
    /// <summary>Adds export, inspect, verify and eval to <paramref name="root"/>.</summary>
    public static void AddTo(Command root)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Add(CreateExport());
        root.Add(CreateInspect());
        root.Add(CreateVerify());
        root.Add(CreateEval());
    }

    /// <summary>The export command.</summary>
    public static Command CreateExport()
    {
        var command = new Command("export", "Write a model image (from an image, or a freshly initialised bep model with --init), optionally as an inference-only image, a C# byte array or a .resx resource for a nanoFramework project.");
        var source = new Argument<string?>("image") { Description = "Model image to export (full or inference).", Arity = ArgumentArity.ZeroOrOne };
        var init = new Option<bool>("--init") { Description = "Export a freshly initialised bep model instead of reading IMAGE." };
        var arch = new Option<string>("--arch") { Description = "With --init: layer widths.", HelpName = "widths", DefaultValueFactory = _ => "784-256-10" };
        var weights = new Option<string>("--weights") { Description = "With --init: weight format.", HelpName = "b1|s8", DefaultValueFactory = _ => "b1" };
        weights.AcceptOnlyFromAmong("b1", "s8");
        var activations = new Option<string>("--activations") { Description = "With --init: activation format.", HelpName = "q0.15|binary", DefaultValueFactory = _ => "q0.15" };
        activations.AcceptOnlyFromAmong("q0.15", "binary");
        var bits = new Option<int>("--accumulator-bits") { Description = "With --init: BOP accumulator width.", HelpName = "8|16|32", DefaultValueFactory = _ => 16 };
        bits.Validators.Add(r =>
        {
            int v = r.GetValueOrDefault<int>();
            if (v != 8 && v != 16 && v != 32)
            {
                r.AddError($"--accumulator-bits is {v}; it must be 8, 16 or 32.");
            }
        });
        var perClass = new Option<int>("--neurons-per-class") { Description = "With --init: output neurons per class.", HelpName = "G", DefaultValueFactory = _ => 1 };
        perClass.Validators.Add(r => OptionChecks.InRange(r, "--neurons-per-class", 1, 65535));
        var freeSteps = new Option<int>("--free-steps") { Description = "With --init: free-phase steps T.", HelpName = "T", DefaultValueFactory = _ => 30 };
        freeSteps.Validators.Add(r => OptionChecks.InRange(r, "--free-steps", 1, 10000));
        var seed = new Option<uint>("--seed") { Description = "With --init: seed of the initial weights.", HelpName = "N", DefaultValueFactory = _ => 1u };
        var alphaScale = new Option<string>("--alpha-scale") { Description = "With --init: multiplier of each weight layer's scale over 1 / (2 sqrt(fan-in)), comma list (the last value repeats), as train --algo bep.", HelpName = "list", DefaultValueFactory = _ => AlgorithmOptions.FormatList(new EquilibriumPropagationSettings().AlphaScale) };
        var inference = new Option<bool>("--inference") { Description = "Write an inference image (parameters only, no learner state)." };
        var output = new Option<string?>("--out") { Description = "Write the model image to FILE.", HelpName = "FILE" };
        var cs = new Option<string?>("--cs") { Description = "Write a C# file holding the image as a byte array.", HelpName = "FILE" };
        var ns = new Option<string>("--namespace") { Description = "Namespace of the --cs class.", HelpName = "NS", DefaultValueFactory = _ => "EdgeLearnModels" };
        var className = new Option<string?>("--class") { Description = "Class name for --cs and resource name for --resx (default: from the file name).", HelpName = "NAME" };
        var resx = new Option<string?>("--resx") { Description = "Write a .resx that embeds the --out file as a binary resource.", HelpName = "FILE" };
        var quiet = new Option<bool>("--quiet") { Description = "Print nothing on success." };
        command.Add(source);
        foreach (Option o in new Option[] { init, arch, weights, activations, bits, perClass, freeSteps, seed, alphaScale, inference, output, cs, ns, className, resx, quiet })
        {
            command.Add(o);
        }

        command.Validators.Add(r =>
        {
            bool hasSource = !string.IsNullOrEmpty(r.GetValue(source));
            bool isInit = r.GetValue(init);
            if (hasSource == isInit)
            {
                r.AddError("export needs either an IMAGE to read or --init, not both.");
            }

            if (!isInit)
            {
                foreach (Option o in new Option[] { arch, weights, activations, bits, perClass, freeSteps, seed, alphaScale })
                {
                    if (r.GetResult(o) is { Implicit: false })
                    {
                        r.AddError($"{o.Name} applies only with --init.");
                    }
                }
            }

            if (r.GetValue(output) is null && r.GetValue(cs) is null)
            {
                r.AddError("export needs --out FILE and/or --cs FILE.");
            }

            if (r.GetValue(resx) is not null && r.GetValue(output) is null)
            {
                r.AddError("--resx references the image file, so it needs --out FILE.");
            }

        });
        ns.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !CSharpImageEmitter.IsValidNamespace(r.Tokens[^1].Value))
            {
                r.AddError($"--namespace '{r.Tokens[^1].Value}' is not a C# namespace.");
            }
        });
        className.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !CSharpImageEmitter.IsValidIdentifier(r.Tokens[^1].Value))
            {
                r.AddError($"--class '{r.Tokens[^1].Value}' is not a C# identifier.");
            }
        });

        command.SetAction(parseResult =>
        {
            var console = RunConsole.Create(parseResult, parseResult.GetValue(quiet));
            return EdgeLearnCli.Guard(console, () =>
            {
                byte[] bytes;
                if (parseResult.GetValue(init))
                {
                    bytes = InitialImage(parseResult.GetValue(arch)!, parseResult.GetValue(weights)!, parseResult.GetValue(activations)!, parseResult.GetValue(bits), parseResult.GetValue(perClass), parseResult.GetValue(freeSteps), parseResult.GetValue(seed), parseResult.GetValue(inference), AlgorithmOptions.ParseList(parseResult.GetValue(alphaScale)!, "--alpha-scale"));
                }
                else
                {
                    string path = parseResult.GetValue(source)!;
                    ImageVerification? v = Load(path, console);
                    if (v is null)
                    {
                        return ExitCodes.Failure;
                    }

                    if (!v.IsValid)
                    {
                        console.Warn($"{EdgeLearnCli.ExecutableName}: {path}: invalid model image: {v.Error}");
                        return ExitCodes.Failure;
                    }

                    bytes = v.Bytes;
                    if (parseResult.GetValue(inference) && v.Image!.IsFull && v.SdtModel is { } sdt)
                    {
                        bytes = SelfDefinedTargetsImage.WriteInference(sdt);
                    }
                    else if (parseResult.GetValue(inference) && v.Image!.IsFull && v.ScffModel is { } scff)
                    {
                        bytes = SelfContrastiveForwardForwardImage.WriteInference(scff, EdgeLearn.Kernels.Host.HostKernels.Best);
                    }
                    else if (parseResult.GetValue(inference) && v.Image!.IsFull)
                    {
                        if (v.Model is null)
                        {
                            console.Warn($"{EdgeLearnCli.ExecutableName}: {path}: learner '{ImageLearnerKinds.Name(v.Image.LearnerKind)}' has no image mapping in this build; cannot strip its state.");
                            return ExitCodes.Failure;
                        }

                        bytes = EquilibriumPropagationImage.WriteInference(v.Model.Network, v.Model.Settings, v.Model.Metadata);
                    }
                }

                ModelImage.TryParse(bytes, ImageLimits.Default, out ModelImage image, out _);
                string description = CSharpImageEmitter.Describe(image);
                string? outPath = parseResult.GetValue(output);
                if (outPath is not null)
                {
                    ModelImageFiles.WriteBytes(outPath, bytes);
                    console.Info($"Wrote {outPath}: {description}, {bytes.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes, SHA-256 {ModelImageFiles.Sha256Hex(bytes)}.");
                }

                if (parseResult.GetValue(cs) is { } csPath)
                {
                    string name = parseResult.GetValue(className) ?? CSharpImageEmitter.ClassNameFromFile(csPath);
                    WriteText(csPath, CSharpImageEmitter.EmitCSharp(bytes, parseResult.GetValue(ns)!, name, description));
                    console.Info($"Wrote {csPath}: C# byte array {parseResult.GetValue(ns)}.{name}.Image ({bytes.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes).");
                }

                if (parseResult.GetValue(resx) is { } resxPath)
                {
                    string name = parseResult.GetValue(className) ?? CSharpImageEmitter.ClassNameFromFile(outPath!);
                    string relative = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(resxPath))!, Path.GetFullPath(outPath!));
                    WriteText(resxPath, CSharpImageEmitter.EmitResx(relative, name));
                    console.Info($"Wrote {resxPath}: binary resource '{name}' from {relative}.");
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>The inspect command.</summary>
    public static Command CreateInspect()
    {
        var command = new Command("inspect", "Print a summary of a model image: format, learner, architecture, number formats, sections, hyperparameters, metadata and validity.");
        var path = new Argument<string>("image") { Description = "Model image file." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON." };
        command.Add(path);
        command.Add(json);
        command.SetAction(parseResult =>
        {
            var console = RunConsole.Create(parseResult, quiet: false);
            string file = parseResult.GetValue(path)!;
            ImageVerification? v = Load(file, console);
            if (v is null)
            {
                return ExitCodes.Failure;
            }

            if (parseResult.GetValue(json))
            {
                using var buffer = new MemoryStream();
                ImageSummary.WriteJson(buffer, file, v);
                console.Result(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }
            else
            {
                ImageSummary.WriteText(console.Out, file, v);
            }

            return v.IsValid ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>The verify command.</summary>
    public static Command CreateVerify()
    {
        var command = new Command("verify", "Check model images against every rule of the format; exit 0 when all are valid, 1 naming the failed check and its offset.");
        var paths = new Argument<string[]>("image") { Description = "Model image file(s).", Arity = ArgumentArity.OneOrMore };
        var quiet = new Option<bool>("--quiet") { Description = "Print only failures." };
        command.Add(paths);
        command.Add(quiet);
        command.SetAction(parseResult =>
        {
            var console = RunConsole.Create(parseResult, parseResult.GetValue(quiet));
            int status = ExitCodes.Success;
            foreach (string file in parseResult.GetValue(paths)!)
            {
                ImageVerification? v = Load(file, console);
                if (v is null)
                {
                    status = ExitCodes.Failure;
                    continue;
                }

                if (!v.IsValid)
                {
                    console.Warn($"{file}: invalid: {v.Error}");
                    status = ExitCodes.Failure;
                    continue;
                }

                string scope = v.LearnerChecked ? "" : $" (container only: no '{ImageLearnerKinds.Name(v.Image!.LearnerKind)}' mapping in this build)";
                console.Info($"{file}: valid: {CSharpImageEmitter.Describe(v.Image!)}, {v.Bytes.Length.ToString("N0", CultureInfo.InvariantCulture)} bytes{scope}");
            }

            return status;
        });
        return command;
    }

    /// <summary>The eval command.</summary>
    public static Command CreateEval()
    {
        var command = new Command("eval", "Run a model image on a data set's test part and print its accuracy.");
        var model = new Option<string>("--model") { Description = "Model image file (inference or full).", HelpName = "IMAGE", Required = true };
        var data = new DataOptionSet();
        var report = new Option<string?>("--report") { Description = "Write the JSON run report to FILE.", HelpName = "FILE" };
        var quiet = new Option<bool>("--quiet") { Description = "Print only results." };
        command.Add(model);
        data.AddTo(command);
        command.Add(report);
        command.Add(quiet);
        command.SetAction(parseResult =>
        {
            var console = RunConsole.Create(parseResult, parseResult.GetValue(quiet));
            return EdgeLearnCli.Guard(console, () =>
            {
                string file = parseResult.GetValue(model)!;
                ImageVerification? v = Load(file, console);
                if (v is null)
                {
                    return ExitCodes.Failure;
                }

                if (!v.IsValid)
                {
                    console.Warn($"{EdgeLearnCli.ExecutableName}: {file}: invalid model image: {v.Error}");
                    return ExitCodes.Failure;
                }

                // Each learner kind predicts with exactly the integers its training run evaluated with.
                int inputSize;
                int classCount;
                string arch;
                Func<short[], int> predict;
                Func<MemoryPlan> memory;
                if (v.ScffModel is { } scff)
                {
                    // SCFF features and the fixed-point readout.
                    SelfContrastiveClassifier classifier = scff.CreateClassifier(EdgeLearn.Kernels.Host.HostKernels.Best);
                    inputSize = scff.Network.Description.InputSize;
                    classCount = scff.ClassCount;
                    arch = scff.Network.Description.ToString();
                    predict = input => classifier.Predict(input, 0);
                    memory = () => classifier.Memory;
                }
                else if (v.SdtModel is { } sdt)
                {
                    // sdt: the output layer's response (delta layer, stack head on the feature layer, or the EP network's
                    // free-phase output state) through the saved class map (direct association or class groups).
                    NetworkDescription d = v.Image!.Description;
                    inputSize = d.InputSize;
                    classCount = sdt.Association.ClassCount;
                    arch = d.ToString();
                    predict = input => sdt.Predict(input, 0);
                    memory = () => sdt.InferenceMemory;
                }
                else if (v.Model is { } ep)
                {
                    // bep: the free phase and the class groups.
                    var engine = new EquilibriumPropagationInference(ep.Network, ep.Settings.FreeSteps, EdgeLearn.Kernels.Host.HostKernels.Best);
                    inputSize = ep.Network.Description.InputSize;
                    classCount = ep.Network.Description.ClassCount;
                    arch = ep.Network.Description.ToString();
                    predict = input => engine.Predict(input, 0);
                    memory = () => engine.Memory;
                }
                else
                {
                    console.Warn($"{EdgeLearnCli.ExecutableName}: {file}: learner '{ImageLearnerKinds.Name(v.Image!.LearnerKind)}' cannot be evaluated by this build.");
                    return ExitCodes.Failure;
                }

                long start = Stopwatch.GetTimestamp();
                LabelledDataSet set = DataSetCatalog.Load(data.Bind(parseResult));
                console.Info($"Loaded {set} in {Stopwatch.GetElapsedTime(start).TotalSeconds:F2} s.");
                if (set.Test.Dimension != inputSize || set.ClassCount != classCount)
                {
                    throw new CommandLineUsageException($"--model {file} is {arch} with {classCount} classes; data set '{set.Name}' has {set.Test.Dimension} inputs and {set.ClassCount} classes.");
                }

                var x = new short[inputSize];
                LabelledDataPart test = set.Test;
                console.Info($"Evaluating {file} ({CSharpImageEmitter.Describe(v.Image!)}) on {test.Count:N0} test samples.");
                long correct = 0;
                start = Stopwatch.GetTimestamp();
                for (int i = 0; i < test.Count; i++)
                {
                    int at = test.GetInputOffset(i);
                    for (int k = 0; k < x.Length; k++)
                    {
                        x[k] = FixedPoint.UnitByteToQ15(test.Inputs[at + k]);
                    }

                    if (predict(x) == test.Labels[i])
                    {
                        correct++;
                    }
                }

                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                double accuracy = test.Count == 0 ? 0 : correct / (double)test.Count;
                double microseconds = test.Count == 0 ? 0 : seconds * 1e6 / test.Count;
                console.Result($"test accuracy {accuracy.ToString("F4", CultureInfo.InvariantCulture)} ({correct} / {test.Count}) on {set.Name}, {microseconds.ToString("F1", CultureInfo.InvariantCulture)} us per sample");
                if (parseResult.GetValue(report) is { } reportPath)
                {
                    var r = RunReport.ForCommand("eval");
                    r.Algo = ImageLearnerKinds.Name(v.Image!.LearnerKind);
                    r.Data = set.Name;
                    r.Split = set.Split;
                    r.Arch = arch;
                    r.Weights = ImageFormat.WeightFormatName(v.Image.WeightFormat);
                    r.Activations = ImageFormat.ActivationFormatName(v.Image.ActivationFormat);
                    r.TestSamples = test.Count;
                    if (test.Count > 0)
                    {
                        r.TestAccuracy = accuracy;
                        r.InferMicrosecondsPerSample = microseconds;
                    }

                    MemoryPlan plan = memory();
                    r.MemoryBytes = new MemoryBytesReport(plan.Persistent, plan.LearnerState, plan.Scratch);
                    r.ModelImageBytes = v.Bytes.Length;
                    r.ModelSha256 = ModelImageFiles.Sha256Hex(v.Bytes);
                    RunReportWriter.WriteFile(r, reportPath);
                    console.Info($"Wrote report {reportPath}.");
                }

                return ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>
    /// The bytes of a freshly initialised bep model (full unless <paramref name="inferenceOnly"/>), with bep's default
    /// layer scales unless <paramref name="alphaScale"/> is given.
    /// </summary>
    public static byte[] InitialImage(string architecture, string weights, string activations, int accumulatorBits, int neuronsPerClass, int freeSteps, uint seed, bool inferenceOnly, double[]? alphaScale = null)
    {
        if (!LayerArchitecture.TryParse(architecture, out LayerArchitecture? arch, out string? error))
        {
            throw new CommandLineUsageException(error);
        }

        if (arch.Outputs % neuronsPerClass != 0)
        {
            throw new CommandLineUsageException($"--arch {arch}: output width {arch.Outputs} is not a multiple of --neurons-per-class {neuronsPerClass}.");
        }

        var settings = new EquilibriumPropagationSettings
        {
            WeightFormat = weights == "s8" ? WeightFormat.S8 : WeightFormat.B1,
            ActivationFormat = activations == "binary" ? ActivationFormat.Binary : ActivationFormat.MultiBit,
            AccumulatorBits = accumulatorBits,
            FreeSteps = freeSteps,
            Seed = seed,
        };
        if (alphaScale is not null)
        {
            settings.AlphaScale = alphaScale;
        }

        AlgorithmOptions.Validate(settings.Validate);
        var network = Training.EquilibriumPropagationAlgorithm.CreateNetwork(new NetworkDescription(arch.ToArray(), neuronsPerClass), settings);
        network.Initialize(seed);
        if (inferenceOnly)
        {
            return EquilibriumPropagationImage.WriteInference(network, settings, null);
        }

        return EquilibriumPropagationImage.WriteFull(new EquilibriumPropagationLearner(network, settings, KernelSet.Reference), null);
    }

    // Reads and verifies a file; null (after a message) when it cannot be read.
    private static ImageVerification? Load(string path, IRunConsole console)
    {
        var limits = ImageLimits.Default;
        try
        {
            byte[]? bytes = ModelImageFiles.ReadBytes(path, limits, out ImageError? tooLarge);
            if (bytes is null)
            {
                console.Warn($"{EdgeLearnCli.ExecutableName}: {path}: invalid model image: {tooLarge}");
                return null;
            }

            return ImageVerification.Run(bytes, limits);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            console.Warn($"{EdgeLearnCli.ExecutableName}: cannot read '{path}': {e.Message}");
            return null;
        }
    }

    private static void WriteText(string path, string text)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, text);
    }
}
