// EquilibriumPropagationCheckpoint: saves an EP learner as a full image into a CheckpointStore and restores the
// newest committed one into a learner of the same shape and settings.
using System;
using EdgeLearn.Runtime.Images;
using EdgeLearn.Runtime.Learners.EquilibriumPropagation;

namespace EdgeLearn.Runtime.Checkpoints
{
    /// <summary>Checkpoints of <see cref="EquilibriumPropagationLearner"/>.</summary>
    public static class EquilibriumPropagationCheckpoint
    {
        /// <summary>Commits a full image of <paramref name="learner"/>; returns its sequence number.</summary>
        public static uint Save(CheckpointStore store, EquilibriumPropagationLearner learner, ImageRecords metadata)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }

            byte[] image = EquilibriumPropagationImage.WriteFull(learner, metadata);
            return store.Commit(image, 0, image.Length);
        }

        /// <summary>
        /// Restores the newest committed checkpoint into <paramref name="learner"/>. False (learner untouched) when
        /// there is no checkpoint or it does not fit the learner; <paramref name="error"/> says which.
        /// </summary>
        public static bool TryRestore(CheckpointStore store, EquilibriumPropagationLearner learner, out uint sequence, out ImageError error)
        {
            if (store == null)
            {
                throw new ArgumentNullException(nameof(store));
            }

            sequence = 0;
            CheckpointSlotInfo latest;
            if (!store.TryReadLatest(out latest, out error))
            {
                return false;
            }

            if (!EquilibriumPropagationImage.TryRestore(latest.Parsed, learner, out error))
            {
                return false;
            }

            sequence = latest.Sequence;
            return true;
        }
    }
}
