namespace AsyncRL.Learner;

/// <summary>A learner's progress at one moment, for live displays (<see cref="LearnerNode.Progress"/>).</summary>
/// <param name="TimeSeconds">Seconds since the start of training.</param>
/// <param name="EnvSteps">Environment steps of accepted batches.</param>
/// <param name="Updates">Updates run.</param>
/// <param name="PolicyVersion">Newest published version.</param>
/// <param name="Episodes">Finished episodes.</param>
/// <param name="ReturnMean">Mean return of the last 20 episodes (null before the first).</param>
/// <param name="SamplesPerSecond">Env steps per second since the start of training.</param>
/// <param name="StalenessMean">Mean staleness of the rows trained on so far.</param>
/// <param name="StalenessMax">Largest staleness so far.</param>
/// <param name="AcceptedBatches">Batches stored.</param>
/// <param name="DuplicateBatches">Batches answered DUPLICATE.</param>
/// <param name="RejectedBatches">Batches answered REJECTED.</param>
/// <param name="Solved">Whether the task's threshold was reached.</param>
/// <param name="Finished">Whether the run is over.</param>
public sealed record LearnerProgress(
    double TimeSeconds, long EnvSteps, long Updates, long PolicyVersion, long Episodes, double? ReturnMean, double SamplesPerSecond,
    double StalenessMean, long StalenessMax, long AcceptedBatches, long DuplicateBatches, long RejectedBatches, bool Solved, bool Finished);
