namespace Hoard.Storage.SortedSets;

/// <summary>A node of <see cref="SortedSetTree"/>: it knows how many entries its subtree holds (for ranks).</summary>
internal abstract class TreeNode
{
    /// <summary>The entries in this subtree.</summary>
    public int Count;
}

/// <summary>
/// An inner node: up to <see cref="SortedSetTree.Fanout"/> children, each but the first with a separator that is at most
/// its smallest entry and above every entry of the children before it (deleting a child's smallest entry leaves the
/// separator a valid lower bound, so separators are only written when nodes split).
/// </summary>
internal sealed class TreeInner : TreeNode
{
    /// <summary>Estimated bytes: this object (48) and its three arrays (24-byte headers, 8 bytes a slot).</summary>
    public const int Bytes = 48 + (3 * (24 + (8 * SortedSetTree.Fanout)));

    /// <summary>The children, <see cref="ChildCount"/> of them used.</summary>
    public readonly TreeNode[] Children = new TreeNode[SortedSetTree.Fanout];

    /// <summary>Separator scores (slot 0 unused).</summary>
    public readonly double[] SepScores = new double[SortedSetTree.Fanout];

    /// <summary>Separator members (slot 0 unused).</summary>
    public readonly byte[][] SepMembers = new byte[SortedSetTree.Fanout][];

    /// <summary>The children in use.</summary>
    public int ChildCount;
}
