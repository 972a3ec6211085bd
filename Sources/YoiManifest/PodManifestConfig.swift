/// The all-optional half of the `PodManifestConfig -> PodManifest` boundary: what a profile or
/// a `--manifest` file sets, already checked against `ConfigSchema` (see `ConfigDecoder`).
/// Absent keys mean "not set"; `PodManifestBuilder` fills defaults and runtime values.
public struct PodManifestConfig: Sendable, Hashable {
  /// The set values, shaped like the profile's top level.
  public let values: JSONObject

  /// Wraps values that `ConfigDecoder` produced.
  init(validated values: JSONObject) {
    self.values = values
  }

  /// The value at a top-level key.
  public subscript(key: String) -> JSONValue? { values[key] }

  /// This configuration merged over `base` (see `ConfigMerge` for the rules).
  public func merged(over base: PodManifestConfig) -> PodManifestConfig {
    PodManifestConfig(validated: ConfigMerge.merge(values, over: base.values))
  }
}
