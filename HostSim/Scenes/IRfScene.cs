// IRfScene: a labelled stream of RF inputs (SPINTRONICS.md section 5).
namespace EdgeLearn.HostSim.Scenes
{
    /// <summary>A deterministic, labelled stream of RF inputs. Same seed and settings, same stream.</summary>
    public interface IRfScene
    {
        /// <summary>Short name for logs ("rf-fingerprint", "rf-image").</summary>
        string Name { get; }

        /// <summary>Number of labels the stream can carry (including classes that appear later).</summary>
        int ClassCount { get; }

        /// <summary>Largest number of tones one sample can have.</summary>
        int MaxToneCount { get; }

        /// <summary>Samples produced so far.</summary>
        long Position { get; }

        /// <summary>Fills <paramref name="sample"/> with the next input; false (sample untouched) when the stream has ended.</summary>
        bool TryNext(RfSample sample);

        /// <summary>Every parameter, one "name = value" line each, for the run log.</summary>
        string Describe();
    }
}
