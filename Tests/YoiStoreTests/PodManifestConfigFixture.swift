import YoiManifest

/// A small valid configuration, decoded the way a profile's would be.
enum PodManifestConfigFixture {
  static func config(reasoning: String) -> PodManifestConfig {
    var decoder = ConfigDecoder()
    return decoder.decodeProfile([
      "model": ["ref": "anthropic/claude-sonnet-4-6"],
      "worker": ["reasoning": .string(reasoning)],
      "web": ["search": ["api_key_secret": "web/brave/default"]],
    ])
  }
}
