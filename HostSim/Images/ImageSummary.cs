// ImageSummary: the human-readable and JSON descriptions `edgelearn inspect` prints.
using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using EdgeLearn.Runtime.Images;

namespace EdgeLearn.HostSim.Images;

/// <summary>Describes a verified image as text or JSON.</summary>
public static class ImageSummary
{
    /// <summary>Writes the text summary of <paramref name="v"/> (named <paramref name="name"/>) to <paramref name="output"/>.</summary>
    public static void WriteText(TextWriter output, string name, ImageVerification v)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(v);
        var inv = CultureInfo.InvariantCulture;
        if (v.Image is null)
        {
            output.WriteLine($"{name}: invalid: {v.Error}");
            output.WriteLine($"  {v.Bytes.Length.ToString("N0", inv)} bytes, SHA-256 {ModelImageFiles.Sha256Hex(v.Bytes)}");
            return;
        }

        ModelImage m = v.Image;
        string status = v.IsValid ? (v.LearnerChecked ? "valid" : $"valid container (no '{ImageLearnerKinds.Name(m.LearnerKind)}' mapping in this build: learner rules not checked)") : $"invalid: {v.Error}";
        output.WriteLine($"{name}: {status}");
        output.WriteLine($"  format      EdgeLearn model image {m.MajorVersion}.{m.MinorVersion}, {m.Length.ToString("N0", inv)} bytes, CRC-32 {ImageBytes.Hex8(m.Crc)}");
        output.WriteLine($"  sha256      {ModelImageFiles.Sha256Hex(v.Bytes)}");
        output.WriteLine($"  kind        {ImageFormat.ImageKindName(m.ImageKind)}{(m.IsFull ? " (learner state: training can resume)" : " (no learner state)")}");
        output.WriteLine($"  learner     {ImageLearnerKinds.Name(m.LearnerKind)}{(v.SdtModel is { } rule ? $" (rule {rule.Rule}, {RuleDescription(rule.Rule)})" : "")}");
        if (v.ScffModel is { } scff)
        {
            output.WriteLine($"  arch        {m.Description} (SCFF layers) + readout {scff.FeatureCount} features ({(scff.ReadoutAllLayers ? "all layers" : "last layer")}) -> {scff.ClassCount} classes");
        }
        else
        {
            string classes = v.SdtModel is { } mapped
                ? $"{mapped.Association.ClassCount} classes through the class map"
                : $"{m.Description.ClassCount} classes, {m.Description.NeuronsPerClass} output neuron(s) per class";
            output.WriteLine($"  arch        {m.Description} ({classes})");
        }

        output.WriteLine($"  formats     weights {ImageFormat.WeightFormatName(m.WeightFormat)}, activations {ImageFormat.ActivationFormatName(m.ActivationFormat)}, biases s32 Q8.24, scales s32 Q0.15");
        int scales = m.FindSection(ImageSectionTypes.Scales, 0);
        if (scales >= 0)
        {
            var parts = new string[m.Description.WeightLayerCount];
            for (int l = 0; l < parts.Length; l++)
            {
                int q = ImageBytes.ReadInt32(m.Buffer, m.PayloadStart(scales) + 4 * l);
                parts[l] = $"{q} ({(q / 32768.0).ToString("G5", inv)})";
            }

            output.WriteLine($"  scales      {string.Join(", ", parts)}");
        }

        long weights = 0;
        long biases = 0;
        for (int l = 0; l < m.Description.WeightLayerCount; l++)
        {
            weights += m.Description.WeightCount(l);
            biases += m.Description.Size(l + 1);
        }

        if (v.ScffModel is { } model)
        {
            weights += model.ReadoutWeights.Length;
            biases += model.ReadoutBiases.Length;
        }

        output.WriteLine($"  parameters  {weights.ToString("N0", inv)} weights, {biases.ToString("N0", inv)} biases");
        if (v.SdtModel is { } sdt)
        {
            var map = sdt.Association;
            output.WriteLine($"  class map   {map.AssignedNeurons} of {map.NeuronCount} output neurons assigned to {map.ClassCount} classes ({(sdt.SemiSupervised ? "class groups: semi-supervised" : "direct association: unsupervised")})");
        }

        output.WriteLine("  sections    #   type                  index    offset    length  crc32");
        for (int i = 0; i < m.SectionCount; i++)
        {
            int t = m.SectionType(i);
            string note = ImageSectionTypes.IsKnown(t) ? "" : "  (unknown optional: skipped)";
            output.WriteLine($"              {i,-3} {ImageSectionTypes.Name(t),-21} {m.SectionIndex(i),5} {m.SectionOffset(i),9} {m.SectionLength(i),9}  {ImageBytes.Hex8(m.SectionCrc(i))}{note}");
        }

        WriteRecords(output, "hyperparameters", m.Hyperparameters);
        if (m.Counters is not null)
        {
            WriteRecords(output, "counters", m.Counters);
        }

        WriteRecords(output, "metadata", m.Metadata);
    }

    /// <summary>Writes the JSON summary of <paramref name="v"/> to <paramref name="stream"/> (indented, UTF-8).</summary>
    public static void WriteJson(Stream stream, string name, ImageVerification v)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(v);
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("file", name);
        w.WriteBoolean("valid", v.IsValid);
        w.WriteBoolean("learner_checked", v.LearnerChecked);
        if (v.Error is { } e)
        {
            w.WriteStartObject("error");
            w.WriteString("code", ImageError.CodeName(e.Code));
            w.WriteNumber("code_number", (int)e.Code);
            w.WriteNumber("offset", e.Offset);
            w.WriteString("message", e.Message);
            w.WriteEndObject();
        }

        w.WriteNumber("image_bytes", v.Bytes.Length);
        w.WriteString("sha256", ModelImageFiles.Sha256Hex(v.Bytes));
        if (v.Image is { } m)
        {
            w.WriteString("format_version", $"{m.MajorVersion}.{m.MinorVersion}");
            w.WriteString("crc32", ImageBytes.Hex8(m.Crc));
            w.WriteString("image_kind", ImageFormat.ImageKindName(m.ImageKind));
            w.WriteString("learner", ImageLearnerKinds.Name(m.LearnerKind));
            w.WriteString("arch", m.Description.ToString());
            w.WriteNumber("neurons_per_class", m.Description.NeuronsPerClass);
            w.WriteString("weights", ImageFormat.WeightFormatName(m.WeightFormat));
            w.WriteString("activations", ImageFormat.ActivationFormatName(m.ActivationFormat));
            if (v.SdtModel is { } sdt)
            {
                w.WriteString("rule", SelfDefinedTargetsImage.RuleName(sdt.Rule));
                w.WriteNumber("classes", sdt.Association.ClassCount);
                w.WriteNumber("assigned_neurons", sdt.Association.AssignedNeurons);
                w.WriteBoolean("semi_supervised", sdt.SemiSupervised);
            }

            if (v.ScffModel is { } scff)
            {
                w.WriteStartObject("readout");
                w.WriteNumber("features", scff.FeatureCount);
                w.WriteNumber("classes", scff.ClassCount);
                w.WriteString("layers", scff.ReadoutAllLayers ? "all" : "last");
                w.WriteEndObject();
            }

            int scales = m.FindSection(ImageSectionTypes.Scales, 0);
            if (scales >= 0)
            {
                w.WriteStartArray("scales_q15");
                for (int l = 0; l < m.Description.WeightLayerCount; l++)
                {
                    w.WriteNumberValue(ImageBytes.ReadInt32(m.Buffer, m.PayloadStart(scales) + 4 * l));
                }

                w.WriteEndArray();
            }

            w.WriteStartArray("sections");
            for (int i = 0; i < m.SectionCount; i++)
            {
                w.WriteStartObject();
                w.WriteString("type", ImageSectionTypes.Name(m.SectionType(i)));
                w.WriteNumber("type_code", m.SectionType(i));
                w.WriteNumber("index", m.SectionIndex(i));
                w.WriteNumber("offset", m.SectionOffset(i));
                w.WriteNumber("length", m.SectionLength(i));
                w.WriteString("crc32", ImageBytes.Hex8(m.SectionCrc(i)));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteRecords(w, "hyperparameters", m.Hyperparameters);
            if (m.Counters is not null)
            {
                WriteRecords(w, "counters", m.Counters);
            }

            WriteRecords(w, "metadata", m.Metadata);
        }

        w.WriteEndObject();
    }

    /// <summary>What an sdt rule code means, for the summary.</summary>
    public static string RuleDescription(int rule) => rule switch
    {
        SelfDefinedTargetsImage.RuleDelta => "single-layer delta rule",
        SelfDefinedTargetsImage.RuleEquilibriumPropagation => "EP network",
        SelfDefinedTargetsImage.RuleDeltaStack => "delta-rule stack: feature layer and head",
        _ => "unknown",
    };

    /// <summary>A record value as text (reals in round-trip form).</summary>
    public static string FormatValue(ImageRecords r, int i)
    {
        ArgumentNullException.ThrowIfNull(r);
        var inv = CultureInfo.InvariantCulture;
        return r.ValueType(i) switch
        {
            ImageRecords.TypeInt32 or ImageRecords.TypeInt64 => r.IntegerValue(i).ToString(inv),
            ImageRecords.TypeFloat64 => r.RealValue(i).ToString("R", inv),
            ImageRecords.TypeString => "\"" + r.StringValue(i) + "\"",
            ImageRecords.TypeInt32Array => "[" + string.Join(", ", Array.ConvertAll(r.Int32ArrayValue(i), x => x.ToString(inv))) + "]",
            _ => "[" + string.Join(", ", Array.ConvertAll(r.Float64ArrayValue(i), x => x.ToString("R", inv))) + "]",
        };
    }

    private static void WriteRecords(TextWriter output, string title, ImageRecords? r)
    {
        if (r is null || r.Count == 0)
        {
            output.WriteLine($"  {title,-11} (none)");
            return;
        }

        output.WriteLine($"  {title}");
        for (int i = 0; i < r.Count; i++)
        {
            output.WriteLine($"    {r.Key(i),-22} {FormatValue(r, i)}");
        }
    }

    private static void WriteRecords(Utf8JsonWriter w, string title, ImageRecords r)
    {
        w.WriteStartObject(title);
        for (int i = 0; i < r.Count; i++)
        {
            string key = r.Key(i);
            switch (r.ValueType(i))
            {
                case ImageRecords.TypeInt32:
                case ImageRecords.TypeInt64:
                    w.WriteNumber(key, r.IntegerValue(i));
                    break;
                case ImageRecords.TypeFloat64:
                    w.WriteNumber(key, r.RealValue(i));
                    break;
                case ImageRecords.TypeString:
                    w.WriteString(key, r.StringValue(i));
                    break;
                case ImageRecords.TypeInt32Array:
                    w.WriteStartArray(key);
                    foreach (int x in r.Int32ArrayValue(i))
                    {
                        w.WriteNumberValue(x);
                    }

                    w.WriteEndArray();
                    break;
                default:
                    w.WriteStartArray(key);
                    foreach (double x in r.Float64ArrayValue(i))
                    {
                        w.WriteNumberValue(x);
                    }

                    w.WriteEndArray();
                    break;
            }
        }

        w.WriteEndObject();
    }
}
