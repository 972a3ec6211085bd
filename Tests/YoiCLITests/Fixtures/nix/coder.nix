let
  insomnia = {
    mkProfile = attrs: { profile = { format = "insomnia.nix-profile.v1"; inherit (attrs) name description; }; manifest = attrs.manifest; };
    mkManifest = m: m;
    secrets.ref = id: { kind = "secret_ref"; ref = id; };
  };
in
insomnia.mkProfile {
  name = "coder";
  description = "Example coding Pod";
  manifest = insomnia.mkManifest {
    pod.name = "coder";
    model = {
      scheme = "anthropic";
      model_id = "claude-sonnet-4-6";
      auth = insomnia.secrets.ref "llm.anthropic.default";
    };
    worker = { reasoning = "medium"; stop_sequences = [ "END" ]; };
    scope.allow = [ { target = "."; permission = "write"; } ];
    scope.deny = [ { target = ".git"; permission = "write"; } ];
    feature.task.enabled = true;
  };
}
