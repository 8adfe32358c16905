using System.Collections;
using System.Collections.Generic;

namespace Oculus.Platform.Models
{
  // Base of the SDK's list models: a plain list plus paging links. ovrnet never pages (rooms are
  // small), so NextUrl stays empty unless the library says otherwise.
  public class DeserializableList<T> : IList<T>
  {
    protected List<T> _Data = new List<T>();
    protected string _NextUrl;
    protected string _PreviousUrl;

    public int Count
    {
      get { return _Data.Count; }
    }

    public bool IsReadOnly
    {
      get { return false; }
    }

    public T this[int index]
    {
      get { return _Data[index]; }
      set { _Data[index] = value; }
    }

    public string NextUrl
    {
      get { return _NextUrl; }
    }

    public string PreviousUrl
    {
      get { return _PreviousUrl; }
    }

    public virtual bool HasNextPage
    {
      get { return !string.IsNullOrEmpty(_NextUrl); }
    }

    public bool HasPreviousPage
    {
      get { return !string.IsNullOrEmpty(_PreviousUrl); }
    }

    public List<T> Data
    {
      get { return _Data; }
    }

    public int IndexOf(T item) { return _Data.IndexOf(item); }
    public void Insert(int index, T item) { _Data.Insert(index, item); }
    public void RemoveAt(int index) { _Data.RemoveAt(index); }
    public void Add(T item) { _Data.Add(item); }
    public void Clear() { _Data.Clear(); }
    public bool Contains(T item) { return _Data.Contains(item); }
    public void CopyTo(T[] array, int arrayIndex) { _Data.CopyTo(array, arrayIndex); }
    public bool Remove(T item) { return _Data.Remove(item); }
    public IEnumerator<T> GetEnumerator() { return _Data.GetEnumerator(); }
    IEnumerator IEnumerable.GetEnumerator() { return _Data.GetEnumerator(); }
  }
}
