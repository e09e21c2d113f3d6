// LabelledDataSet: a named, in-memory classification data set with its train and test parts.
// Loaders (IdxLoader, MnistJsonLoader) build it; DataSetCatalog picks the loader by name; learners
// read Train/Test and quote Name, Split, sample counts and the seed with every accuracy.
using System;

namespace EdgeLearn.HostSim.Data;

/// <summary>A labelled data set: name, split, train and test parts, class count and sample shape.</summary>
public sealed class LabelledDataSet
{
    /// <summary>Largest class count: labels are bytes.</summary>
    public const int MaxClassCount = 256;

    /// <summary>Builds the set and checks that both parts agree and every label is below <paramref name="classCount"/>.</summary>
    /// <param name="name">Data set name as given on the command line (fashion-mnist, mnist, idx ...).</param>
    /// <param name="split">Name of the train/test split ("standard" for the files' own split).</param>
    /// <param name="train">Training part.</param>
    /// <param name="test">Test part, same dimension.</param>
    /// <param name="classCount">Number of classes, 1 .. 256.</param>
    /// <param name="imageWidth">Image width when the samples are images, else null.</param>
    /// <param name="imageHeight">Image height when the samples are images, else null.</param>
    public LabelledDataSet(string name, string split, LabelledDataPart train, LabelledDataPart test, int classCount, int? imageWidth = null, int? imageHeight = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(split);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        if (classCount < 1 || classCount > MaxClassCount)
        {
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, $"The class count must be in [1, {MaxClassCount}].");
        }

        if (train.Dimension != test.Dimension)
        {
            throw new ArgumentException($"Data set '{name}': train dimension {train.Dimension} differs from test dimension {test.Dimension}.", nameof(test));
        }

        if (imageWidth.HasValue != imageHeight.HasValue)
        {
            throw new ArgumentException("Give both image width and height, or neither.", nameof(imageHeight));
        }

        if (imageWidth.HasValue && (imageWidth.Value < 1 || imageHeight!.Value < 1 || (long)imageWidth.Value * imageHeight.Value != train.Dimension))
        {
            throw new ArgumentException($"Data set '{name}': image {imageWidth}x{imageHeight} does not match dimension {train.Dimension}.", nameof(imageWidth));
        }

        CheckLabels(name, train, classCount);
        CheckLabels(name, test, classCount);
        Name = name;
        Split = split;
        Train = train;
        Test = test;
        ClassCount = classCount;
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
    }

    /// <summary>Data set name (fashion-mnist, mnist, idx ...).</summary>
    public string Name { get; }

    /// <summary>Split name, quoted in reports next to the accuracy.</summary>
    public string Split { get; }

    /// <summary>Training part.</summary>
    public LabelledDataPart Train { get; }

    /// <summary>Test part.</summary>
    public LabelledDataPart Test { get; }

    /// <summary>Number of classes; every label is below it.</summary>
    public int ClassCount { get; }

    /// <summary>Grey levels per sample.</summary>
    public int Dimension => Train.Dimension;

    /// <summary>Image width in pixels, when the samples are images.</summary>
    public int? ImageWidth { get; }

    /// <summary>Image height in pixels, when the samples are images.</summary>
    public int? ImageHeight { get; }

    /// <summary>
    /// The same set keeping only the first <paramref name="trainLimit"/> training and <paramref name="testLimit"/>
    /// test samples (null: keep all; a limit above the part size keeps all). Limits must be at least 1.
    /// </summary>
    public LabelledDataSet WithLimits(int? trainLimit, int? testLimit)
    {
        if (trainLimit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(trainLimit), trainLimit, "--train-limit must be at least 1.");
        }

        if (testLimit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(testLimit), testLimit, "--test-limit must be at least 1.");
        }

        var train = trainLimit.HasValue ? Train.Take(trainLimit.Value) : Train;
        var test = testLimit.HasValue ? Test.Take(testLimit.Value) : Test;
        if (ReferenceEquals(train, Train) && ReferenceEquals(test, Test))
        {
            return this;
        }

        return new LabelledDataSet(Name, Split, train, test, ClassCount, ImageWidth, ImageHeight);
    }

    /// <summary>One line for logs: name, split, counts, shape and classes.</summary>
    public override string ToString()
    {
        string shape = ImageWidth.HasValue ? $"{Dimension} inputs ({ImageWidth}x{ImageHeight})" : $"{Dimension} inputs";
        return $"{Name} ({Split} split): {Train.Count} train, {Test.Count} test, {shape}, {ClassCount} classes";
    }

    private static void CheckLabels(string name, LabelledDataPart part, int classCount)
    {
        byte[] labels = part.Labels;
        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= classCount)
            {
                throw new ArgumentException($"Data set '{name}', {part.PartName} sample {i}: label {labels[i]} is not below the class count {classCount}.", nameof(classCount));
            }
        }
    }
}
