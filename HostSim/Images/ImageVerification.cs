// ImageVerification: the complete check of an image on the host, as `edgelearn verify` and `inspect` run it:
// the container (ModelImage.TryParse) and, for learner kinds with a mapping in this build, the learner's own
// rules (EquilibriumPropagationImage.TryRead for "bep", SelfContrastiveForwardForwardImage.TryRead for "scff",
// SelfDefinedTargetsImage.TryRead for "sdt").
using System;
using EdgeLearn.Kernels.Host;
using EdgeLearn.Runtime.Images;

namespace EdgeLearn.HostSim.Images;

/// <summary>Result of verifying one image.</summary>
public sealed class ImageVerification
{
    private ImageVerification(byte[] bytes, ModelImage? image, EquilibriumPropagationModel? model, ImageError? error, bool learnerChecked, SelfDefinedTargetsModel? sdtModel = null, SelfContrastiveForwardForwardModel? scffModel = null)
    {
        Bytes = bytes;
        Image = image;
        Model = model;
        SdtModel = sdtModel;
        ScffModel = scffModel;
        Error = error;
        LearnerChecked = learnerChecked;
    }

    /// <summary>The image bytes.</summary>
    public byte[] Bytes { get; }

    /// <summary>The validated container, or null when the container checks failed.</summary>
    public ModelImage? Image { get; }

    /// <summary>The EP network read from a valid "bep" image, else null.</summary>
    public EquilibriumPropagationModel? Model { get; }

    /// <summary>The delta-rule layer and class map read from a valid "sdt" image (host kernels), else null.</summary>
    public SelfDefinedTargetsModel? SdtModel { get; }

    /// <summary>The SCFF network and readout read from a valid "scff" image, else null.</summary>
    public SelfContrastiveForwardForwardModel? ScffModel { get; }

    /// <summary>True when this build can run the image (a valid image of a learner kind with a mapping).</summary>
    public bool CanRun => Model is not null || SdtModel is not null || ScffModel is not null;

    /// <summary>The first failed check, or null when the image is valid.</summary>
    public ImageError? Error { get; }

    /// <summary>True when the learner kind's own rules were checked too (a mapping exists in this build).</summary>
    public bool LearnerChecked { get; }

    /// <summary>True when every check passed.</summary>
    public bool IsValid => Error is null;

    /// <summary>Verifies <paramref name="bytes"/> against the container rules and the learner mapping.</summary>
    public static ImageVerification Run(byte[] bytes, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(limits);
        if (!ModelImage.TryParse(bytes, 0, bytes.Length, limits, out ModelImage image, out ImageError error))
        {
            return new ImageVerification(bytes, null, null, error, false);
        }

        if (image.LearnerKind == ImageLearnerKinds.Sdt)
        {
            return SelfDefinedTargetsImage.TryRead(image, HostKernels.Best, out SelfDefinedTargetsModel sdt, out error)
                ? new ImageVerification(bytes, image, null, null, true, sdt)
                : new ImageVerification(bytes, image, null, error, true);
        }

        if (image.LearnerKind == ImageLearnerKinds.Scff)
        {
            return SelfContrastiveForwardForwardImage.TryRead(image, out SelfContrastiveForwardForwardModel scff, out error)
                ? new ImageVerification(bytes, image, null, null, true, scffModel: scff)
                : new ImageVerification(bytes, image, null, error, true);
        }

        if (image.LearnerKind != ImageLearnerKinds.Bep)
        {
            return new ImageVerification(bytes, image, null, null, false);
        }

        if (!EquilibriumPropagationImage.TryRead(image, out EquilibriumPropagationModel model, out error))
        {
            return new ImageVerification(bytes, image, null, error, true);
        }

        return new ImageVerification(bytes, image, model, null, true);
    }
}
