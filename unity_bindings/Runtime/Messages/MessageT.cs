using System;

namespace Oculus.Platform
{
  // A message whose payload is a T. Data is read in the constructor, while the native message
  // is still alive; it stays default(T) when the message is an error.
  public abstract class Message<T> : Message
  {
    public new delegate void Callback(Message<T> message);

    private readonly T data;

    protected Message(IntPtr c_message)
      : base(c_message)
    {
      if (!IsError)
      {
        data = GetDataFromMessage(c_message);
      }
    }

    public T Data { get { return data; } }

    protected abstract T GetDataFromMessage(IntPtr c_message);
  }
}
