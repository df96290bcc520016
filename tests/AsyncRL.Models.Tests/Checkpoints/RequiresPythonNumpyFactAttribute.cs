namespace AsyncRL.Models.Tests.Checkpoints;

/// <summary>A fact that is skipped, with the reason, where no python3 can import numpy.</summary>
public sealed class RequiresPythonNumpyFactAttribute : FactAttribute
{
    public RequiresPythonNumpyFactAttribute()
    {
        if (PythonNumpy.Interpreter is null)
            Skip = "python3-numpy not installed (apt-get install python3-numpy, or point ASYNCRL_PYTHON at a python3 that has numpy).";
    }
}
