namespace AsyncRL.Models.Checkpoints;

/// <summary>
/// A checkpoint file is corrupt or uses something we cannot read. It is an <see cref="IOException"/>
/// (<see cref="InvalidDataException"/> is sealed), so a caller that treats any unreadable checkpoint
/// alike, missing or corrupt, catches one type.
/// </summary>
public sealed class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception with a message.</summary>
    public CheckpointFormatException() : base("The checkpoint is malformed.") { }

    /// <summary>Creates the exception with a message.</summary>
    public CheckpointFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a message and the error that revealed the problem.</summary>
    public CheckpointFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception for a problem with one tensor, naming it in the message.</summary>
    public CheckpointFormatException(string? tensorName, string message, Exception? innerException = null)
        : base(tensorName is null ? message : $"tensor '{tensorName}': {message}", innerException)
    {
        TensorName = tensorName;
    }

    /// <summary>The tensor the problem concerns, when it concerns one.</summary>
    public string? TensorName { get; }
}
