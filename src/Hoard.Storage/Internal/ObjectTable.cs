using Hoard.Storage.Objects;

namespace Hoard.Storage.Internal;

/// <summary>
/// Managed objects that back large values (a hash past its compact thresholds); an entry holds a 4-byte handle.
/// Not thread-safe: the shard lock holder only.
/// </summary>
internal sealed class ObjectTable
{
    private StoredObject?[] _items = new StoredObject?[16];
    private readonly Stack<int> _free = new();
    private int _next;

    public int Add(StoredObject item)
    {
        var handle = _free.Count > 0 ? _free.Pop() : _next++;
        if (handle >= _items.Length)
        {
            Array.Resize(ref _items, _items.Length * 2);
        }

        _items[handle] = item;
        return handle;
    }

    public T Get<T>(int handle) where T : StoredObject => (T)_items[handle]!;

    public void Remove(int handle)
    {
        _items[handle] = null;
        _free.Push(handle);
    }

    public void Clear()
    {
        Array.Clear(_items);
        _free.Clear();
        _next = 0;
    }
}
