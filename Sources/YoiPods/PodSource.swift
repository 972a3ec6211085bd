import YoiDiagnostics
public import YoiManifest
public import YoiProfiles
public import YoiStore

/// What `spawn` and `reresolve` resolve: a profile or a manifest file, with the record of
/// where it came from.
public struct PodSource: Sendable {
  public var manifest: PodManifest
  public var origin: PodOrigin
  /// For a project profile not trusted at its current content: what trusting it means.
  public var pendingTrust: TrustRequest?
}

extension PodService {
  /// Resolves the profile selector (or manifest file) for `inputs`. With `deferringTrust`,
  /// an untrusted project profile is resolved anyway and the trust it needs is returned in
  /// `pendingTrust`, for a caller that shows what changed before it asks; otherwise the
  /// resolver's trust policy decides at once.
  func resolveSource(
    profile: String?, manifestFile: String?, inputs: ResolutionInputs, resolver: ProfileResolver,
    deferringTrust: Bool = false
  ) throws(YoiError) -> PodSource {
    if let manifestFile {
      let (manifest, text) = try ManifestFile.resolveWithText(manifestFile, inputs: inputs, resolver: resolver)
      let path = PathLexer.join(resolver.workingDirectory, manifestFile)
      return PodSource(
        manifest: manifest,
        origin: PodOrigin(
          selector: nil, qualifiedName: nil, sourcePath: path, sourceDigest: SHA256.hex(text.utf8), isManifestFile: true))
    }
    let selector = profile ?? "default"
    let (resolved, pendingTrust): (ResolvedProfile, TrustRequest?) =
      deferringTrust
      ? try resolver.preview(ProfileSelector.parse(selector), inputs: inputs)
      : (try resolver.resolve(ProfileSelector.parse(selector), inputs: inputs), nil)
    let sourcePath: String? = if case .file(let path) = resolved.source.origin { path } else { nil }
    return PodSource(
      manifest: resolved.manifest,
      origin: PodOrigin(selector: selector, qualifiedName: resolved.entry?.qualifiedName, sourcePath: sourcePath, sourceDigest: resolved.contentDigest),
      pendingTrust: pendingTrust)
  }
}
