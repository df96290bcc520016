using AsyncRL.Algorithms.Language;

namespace AsyncRL.Algorithms.Tests.Language;

/// <summary>
/// The SFT models (and gold-rm's proxy reward model) with the default settings at seed 1, prepared once for every
/// language test: preparing them is most of a test's cost.
/// </summary>
public sealed class PreparedTasksFixture
{
    private readonly Lazy<PreparedTask> _arith = new(() => LanguagePreparation.Prepare("arith", null, 1, LanguagePreparationOptions.Default));
    private readonly Lazy<PreparedTask> _goldRm = new(() => LanguagePreparation.Prepare("gold-rm", null, 1, LanguagePreparationOptions.Default));

    /// <summary>arith, SFT included.</summary>
    public PreparedTask Arith => _arith.Value;

    /// <summary>gold-rm, SFT and proxy reward model included.</summary>
    public PreparedTask GoldRm => _goldRm.Value;

    /// <summary>By task id.</summary>
    public PreparedTask Of(string env) => env == "arith" ? Arith : GoldRm;
}

[CollectionDefinition(Name)]
public sealed class PreparedTasksCollection : ICollectionFixture<PreparedTasksFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "prepared language tasks";
}
