using Hoard.Storage.Keys;

namespace Hoard.Server.Cluster.Moves;

/// <summary>
/// The slots this node is moving out or taking in (Hoard's own slot moves): no two moves share a slot, and a slot
/// stays claimed until the keys a move left behind are dropped — a move that took it back would lose its keys.
/// </summary>
internal sealed class SlotClaims
{
    private readonly List<SlotSet> _claimed = [];

    /// <summary>Claims <paramref name="slots"/>; false when a move under way holds one of them.</summary>
    public bool TryClaim(SlotSet slots)
    {
        lock (_claimed)
        {
            if (_claimed.Any(c => c.Overlaps(slots)))
            {
                return false;
            }

            _claimed.Add(slots);
            return true;
        }
    }

    /// <summary>Lets go of a claim <see cref="TryClaim"/> granted.</summary>
    public void Release(SlotSet slots)
    {
        lock (_claimed)
        {
            _claimed.Remove(slots);
        }
    }
}
