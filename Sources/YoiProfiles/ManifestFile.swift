import Foundation
public import YoiDiagnostics
public import YoiManifest

/// `--manifest FILE.toml`: a configuration written as TOML, merged over `builtin:default`
/// through the same `PodManifestConfig -> PodManifest` boundary as profiles. Relative paths
/// are resolved against the file's directory; problems are reported with their lines.
public enum ManifestFile {
  /// The manifest for `path` and `inputs`.
  /// - Throws: `YoiError` naming the file and line of every problem.
  public static func resolve(_ path: String, inputs: ResolutionInputs, resolver: ProfileResolver) throws(YoiError) -> PodManifest {
    try resolveWithText(path, inputs: inputs, resolver: resolver).manifest
  }

  /// The manifest and the text it was read from (read once: a Pod records the digest of
  /// exactly what was resolved).
  /// - Throws: `YoiError` naming the file and line of every problem.
  public static func resolveWithText(
    _ path: String, inputs: ResolutionInputs, resolver: ProfileResolver
  ) throws(YoiError) -> (manifest: PodManifest, text: String) {
    let absolute = PathLexer.join(resolver.workingDirectory, path)
    let text: String
    switch BoundedFile.readText(absolute, limit: BoundedFile.tomlLimit) {
    case .success(let read): text = read
    case .failure(let failure): throw YoiError("manifest file \(path) \(failure.reason)", code: .manifest, help: ["--manifest takes a TOML file"])
    }
    return (try resolve(text: text, path: absolute, displayPath: path, inputs: inputs, resolver: resolver), text)
  }

  /// The manifest for the TOML `text` of the file at `path` (relative paths resolve against its directory).
  /// - Throws: `YoiError` naming the file and line of every problem.
  public static func resolve(
    text: String, path absolute: String, displayPath path: String, inputs: ResolutionInputs, resolver: ProfileResolver
  ) throws(YoiError) -> PodManifest {
    let document = try TOMLDocument(text: text, path: absolute, displayPath: path)
    var decoder = ConfigDecoder(refuse: ProfileDecoder.refusal)
    let overlay = decoder.decodeProfile(.object(document.root))
    if !decoder.problems.isEmpty {
      throw YoiError(
        decoder.problems.map { problem in
          var diagnostic = document.diagnostic(problem.text, at: problem.path, code: problem.isSecret ? .manifestSecret : .manifest, help: problem.help)
          if problem.isSecret { diagnostic.sourceLine = diagnostic.sourceLine.map(SecretRedaction.redactLiterals) }
          return diagnostic
        }.sorted { ($0.location?.line ?? .max) < ($1.location?.line ?? .max) })
    }
    guard let base = ProfileSource.builtin("default") else { throw YoiError("builtin:default is missing", code: .manifest) }
    let baseConfig = try ProfileDecoder(source: base).decode(try ProfileEvaluator(limits: resolver.limits).evaluate(base))
    // The defaults' relative paths would resolve against the manifest's directory; they have none.
    let config = overlay.merged(over: baseConfig)
    let workspace = PathLexer.join(resolver.workingDirectory, inputs.workspace)
    let manifestInputs = ManifestInputs(
      podName: inputs.podName ?? ResolutionInputs.defaultPodName(forWorkspace: workspace), workspace: workspace,
      role: inputs.role, baseDirectory: PathLexer.dirname(absolute), provenance: nil, delegation: inputs.delegation)
    switch PodManifestBuilder(catalog: resolver.catalog).build(config, inputs: manifestInputs) {
    case .success(let manifest): return manifest
    case .failure(let failure):
      throw YoiError(failure.problems.map { document.diagnostic($0.text, at: $0.path, code: .manifest, help: $0.help) })
    }
  }
}
