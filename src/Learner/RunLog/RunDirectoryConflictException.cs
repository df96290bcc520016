namespace AsyncRL.Learner;

/// <summary>
/// The run directory holds another run (checkpoints of another algorithm or environment): a fault of what is on disk,
/// reported like any file that cannot be used, not a bug of the node.
/// </summary>
public sealed class RunDirectoryConflictException : IOException
{
    public RunDirectoryConflictException()
    {
    }

    public RunDirectoryConflictException(string message)
        : base(message)
    {
    }

    public RunDirectoryConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
