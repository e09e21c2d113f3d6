using EdgeLearn.Runtime.Learners.SelfDefinedTargets;
using EdgeLearn.Tests.Learners;

namespace EdgeLearn.Tests.Support;

/// The small self-defined-target runs of the sdt image tests: labels, training and association on synthetic clusters.
internal static class SelfDefinedTargetsRuns
{
    /// A semi-supervised run sees the label of every third sample; an unsupervised one none (-1).
    public static int Label(SyntheticClusters data, int i, bool semi) => semi && i % 3 == 0 ? data.Labels[i] : -1;

    /// Trains samples [from, to) in order.
    public static void Train(SelfDefinedTargetsTrainer trainer, SyntheticClusters data, int from, int to, bool semi)
    {
        for (int i = from; i < to; i++)
        {
            trainer.TrainSample(data.Inputs, i * data.Dimension, Label(data, i, semi));
        }
    }

    /// Assigns the outputs to classes: by class group (semi-supervised) or by observing every sample's response.
    public static void Associate(SelfDefinedTargetsTrainer trainer, DirectAssociation association, SyntheticClusters data, bool semi)
    {
        if (semi)
        {
            association.AssignGroups();
            return;
        }

        association.Clear();
        for (int i = 0; i < data.Count; i++)
        {
            association.Observe(trainer.Respond(data.Inputs, i * data.Dimension), 0, data.Labels[i]);
        }

        association.Assign();
    }
}
