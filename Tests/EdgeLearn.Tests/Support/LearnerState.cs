using System;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;
using Microsoft.VisualStudio.TestTools.UnitTesting;

namespace EdgeLearn.Tests.Support;

/// Reads an EP learner's private state through the public full-image writer, for tests that compare it.
internal static class LearnerState
{
    /// Accumulators of weight layer l as integers, read from a full image (the learner keeps them private).
    public static int[] Accumulators(EquilibriumPropagationLearner learner, int layer)
    {
        byte[] image = EquilibriumPropagationImage.WriteFull(learner, null);
        Assert.IsTrue(ModelImage.TryParse(image, ImageLimits.Default, out ModelImage parsed, out ImageError error), error?.ToString());
        int bits = learner.Settings.AccumulatorBits;
        int type = bits == 8 ? ImageSectionTypes.BopAccumulatorsS8 : bits == 16 ? ImageSectionTypes.BopAccumulatorsS16 : ImageSectionTypes.BopAccumulatorsS32;
        int section = parsed.FindSection(type, layer);
        Assert.IsTrue(section >= 0, $"no accumulator section for layer {layer}");
        int start = parsed.PayloadStart(section);
        int count = learner.Network.Description.WeightCount(layer);
        var values = new int[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = bits == 8 ? (sbyte)image[start + i]
                : bits == 16 ? BitConverter.ToInt16(image, start + 2 * i)
                : BitConverter.ToInt32(image, start + 4 * i);
        }

        return values;
    }
}
