import Foundation
import Testing
import YoiManifest
import YoiStubProvider

/// `web_fetch` and `web_search` against loopback servers.
@Suite("Web tools")
struct RuntimeWebTests {
  static let page = """
    <html><head><title>Release notes</title><style>body { color: red }</style><script>var secret = "do not show";</script></head>
    <body><h1>Version 2.0</h1><p>Faster &amp; safer &mdash; now with <b>streaming</b>.</p><ul><li>one</li><li>two</li></ul></body></html>
    """

  static func profile(allowPrivate: Bool, searchURL: String = "http://127.0.0.1:9", secret: String = "web/brave") -> String {
    """
    feature = { web = { enabled = true } },
    web = { enabled = true, allow_private_addresses = \(allowPrivate),
      fetch = { enabled = true, max_response_bytes = 1000000, redirect_limit = 3 },
      search = { enabled = true, api_key_secret = "\(secret)", base_url = "\(searchURL)" } },
    """
  }

  @Test("loopback refused by default, allowed with allow_private_addresses; HTML reduced to text; a 50 MB response capped")
  func fetch() throws {
    let site = try StubWebServer(routes: [
      "/notes": .page(contentType: "text/html; charset=utf-8", body: Self.page), "/huge": .huge(bytes: 50 << 20),
    ])
    let refused = try RuntimeScopeTests.toolResults(
      [(name: "web_fetch", arguments: #"{"url": "\#(site.url("/notes"))"}"#), (name: "web_fetch", arguments: #"{"url": "file:///etc/passwd"}"#)],
      profile: Self.profile(allowPrivate: false)
    ).0
    #expect(refused[0].contains("refused: 127.0.0.1 resolves to 127.0.0.1, a private, loopback or link-local address"), "\(refused[0])")
    #expect(refused[1].contains("is not an http(s) URL"))
    #expect(site.requests.isEmpty)

    let started = Date()
    let allowed = try RuntimeScopeTests.toolResults(
      [(name: "web_fetch", arguments: #"{"url": "\#(site.url("/notes"))"}"#), (name: "web_fetch", arguments: #"{"url": "\#(site.url("/huge"))"}"#)],
      profile: Self.profile(allowPrivate: true)
    ).0
    #expect(Date().timeIntervalSince(started) < 20)
    #expect(allowed[0].contains("Release notes\nVersion 2.0\nFaster & safer — now with streaming.\n- one\n- two"), "\(allowed[0])")
    #expect(!allowed[0].contains("do not show") && !allowed[0].contains("color: red"))
    #expect(allowed[1].contains("[the response was larger than 1000000 bytes"))
    #expect(allowed[1].utf8.count < 70_000)
  }

  @Test("a redirect from a public address into the private network is refused")
  func redirectIntoPrivate() throws {
    let privateSite = try StubWebServer(routes: ["/admin": .page(contentType: "text/plain", body: "internal")])
    let publicSite = try StubWebServer(
      address: "127.0.0.2", routes: ["/start": .redirect(to: privateSite.url("/admin")), "/ok": .page(contentType: "text/plain", body: "public page")])
    let results = try RuntimeScopeTests.toolResults(
      [(name: "web_fetch", arguments: #"{"url": "\#(publicSite.url("/ok"))"}"#), (name: "web_fetch", arguments: #"{"url": "\#(publicSite.url("/start"))"}"#)],
      profile: Self.profile(allowPrivate: false), environment: ["YOI_TEST_PUBLIC_ADDRESSES": "127.0.0.2"]
    ).0
    #expect(results[0].hasSuffix("public page"), "\(results[0])")
    #expect(results[1].contains("refused: 127.0.0.1 resolves to 127.0.0.1"), "\(results[1])")
    #expect(privateSite.requests.isEmpty)
  }

  @Test("search uses the key from the secret store; without its key the tool is not offered, spawn does not warn, pod show says what is missing")
  func search() throws {
    let brave = try StubWebServer(routes: [
      "/res/v1/web/search": .json(
        status: 200,
        body: #"{"web":{"results":[{"title":"Swift Testing","url":"https://example.org/testing","description":"A <strong>modern</strong> test library"}]}}"#)
    ])
    let (results, fixture) = try RuntimeScopeTests.toolResults(
      [(name: "web_search", arguments: #"{"query": "swift testing"}"#)], profile: Self.profile(allowPrivate: false, searchURL: "http://127.0.0.1:\(brave.port)")
    ) { fixture in
      let stored = try fixture.home.run(["secret", "set", "web/brave"], stdin: "brave-canary-42\n")
      #expect(stored.status == 0)
    }
    #expect(results[0] == "1. Swift Testing\n   https://example.org/testing\n   A modern test library", "\(results[0])")
    #expect(brave.requests.first?.header("x-subscription-token") == "brave-canary-42")
    #expect(brave.requests.first?.path.contains("q=swift%20testing") == true)
    #expect(!(try fixture.log()).contains("brave-canary-42"))

    let (missing, keyless) = try RuntimeScopeTests.toolResults(
      [(name: "web_search", arguments: #"{"query": "x"}"#)],
      profile: Self.profile(allowPrivate: false, searchURL: "http://127.0.0.1:\(brave.port)", secret: "web/absent"))
    #expect(missing[0].hasPrefix("error: unknown tool `web_search`"), "\(missing[0])")
    #expect(keyless.provider.requests.first.map { !$0.body.contains("web_search") } == true)
    let shown = try keyless.home.run(["pod", "show", keyless.pod])
    #expect(shown.stdout.contains("missing:     web_search: its key is not stored (`yoi secret set web/absent`)"), "\(shown.stdout)")
  }
}
