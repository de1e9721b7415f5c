namespace Hoard.Storage;

/// <summary>What SINTER, SUNION and SDIFF (and their STORE forms) compute from their keys' sets.</summary>
public enum SetAlgebra
{
    /// <summary>Members of every set (SINTER).</summary>
    Intersection,

    /// <summary>Members of any set (SUNION).</summary>
    Union,

    /// <summary>Members of the first set and of none of the others (SDIFF).</summary>
    Difference,
}
