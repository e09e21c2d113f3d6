// IUnlabelledLearner: a classifier that can also learn from a sample without a label (a self-defined target),
// so a field loop learns from every frame, not only from the labelled ones.
namespace EdgeLearn.Runtime.Learners
{
    /// <summary>A learner that learns from unlabelled samples too (see the file header).</summary>
    public interface IUnlabelledLearner
    {
        /// <summary>
        /// Learns from one unlabelled sample (n_0 Q0.15 values from <paramref name="offset"/>) when the learner is
        /// ready to (returns true), else only predicts (returns false); <paramref name="prediction"/> is the class
        /// predicted before learning.
        /// </summary>
        bool LearnUnlabelled(short[] x, int offset, out int prediction);
    }
}
