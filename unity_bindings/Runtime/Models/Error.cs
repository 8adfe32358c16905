namespace Oculus.Platform.Models
{
  // Why a request failed, copied out of the native error before the message is freed.
  public class Error
  {
    public Error(int code, string message, int httpCode)
      : this(code, message, httpCode, null)
    {
    }

    public Error(int code, string message, int httpCode, string displayableMessage)
    {
      Code = code;
      Message = message;
      HttpCode = httpCode;
      DisplayableMessage = displayableMessage;
    }

    public readonly int Code;
    public readonly int HttpCode;
    public readonly string Message;

    // Text meant for the player; may be empty.
    public readonly string DisplayableMessage;
  }
}
