// A compile-only stand-in for the few UnityEngine members the package's Unity-only files use
// (CallbackRunner, the sample MonoBehaviours), with Unity's signatures. scripts/test-csharp.sh
// compiles those files against it with UNITY_5_3_OR_NEWER defined, so a mistake in code that
// only Unity would otherwise compile fails the test run. Nothing here is ever executed.
using System;

namespace UnityEngine
{
  public class Object
  {
    public string name { get; set; }
    public static T FindObjectOfType<T>() where T : Object { throw new NotSupportedException(); }
    public static void DontDestroyOnLoad(Object target) { }
    public static void Destroy(Object obj) { }
    public static T Instantiate<T>(T original) where T : Object { throw new NotSupportedException(); }
    public static bool operator ==(Object a, Object b) { return ReferenceEquals(a, b); }
    public static bool operator !=(Object a, Object b) { return !ReferenceEquals(a, b); }
    public override bool Equals(object other) { return ReferenceEquals(this, other); }
    public override int GetHashCode() { return 0; }
  }

  public class Component : Object
  {
    public GameObject gameObject { get { throw new NotSupportedException(); } }
    public Transform transform { get { throw new NotSupportedException(); } }
  }

  public class Behaviour : Component
  {
    public bool enabled { get; set; }
  }

  public class MonoBehaviour : Behaviour
  {
  }

  public sealed class GameObject : Object
  {
    public GameObject(string name) { }
    public T AddComponent<T>() where T : Component { throw new NotSupportedException(); }
    public Transform transform { get { throw new NotSupportedException(); } }
    public static GameObject CreatePrimitive(PrimitiveType type) { throw new NotSupportedException(); }
  }

  public class Transform : Component
  {
    public Vector3 localPosition { get; set; }
    public Quaternion localRotation { get; set; }
  }

  public enum PrimitiveType { Sphere, Capsule, Cylinder, Cube, Plane, Quad }

  public struct Vector2 { public float x, y; }

  public struct Vector3
  {
    public float x, y, z;
    public Vector3(float x, float y, float z) { this.x = x; this.y = y; this.z = z; }
  }

  public struct Quaternion
  {
    public float x, y, z, w;
    public Quaternion(float x, float y, float z, float w) { this.x = x; this.y = y; this.z = z; this.w = w; }
  }

  public struct Rect
  {
    public Rect(float x, float y, float width, float height) { }
  }

  public static class Debug
  {
    public static void LogError(object message) { }
  }

  public static class Time
  {
    public static float time { get { return 0; } }
  }

  public sealed class GUILayoutOption
  {
  }

  public static class GUILayout
  {
    public static void BeginArea(Rect screenRect) { }
    public static void EndArea() { }
    public static Vector2 BeginScrollView(Vector2 scrollPosition, params GUILayoutOption[] options) { return scrollPosition; }
    public static void EndScrollView() { }
    public static void BeginHorizontal(params GUILayoutOption[] options) { }
    public static void EndHorizontal() { }
    public static void Label(string text, params GUILayoutOption[] options) { }
    public static string TextField(string text, params GUILayoutOption[] options) { return text; }
    public static bool Button(string text, params GUILayoutOption[] options) { return false; }
    public static GUILayoutOption Width(float width) { return null; }
    public static GUILayoutOption Height(float height) { return null; }
  }
}
