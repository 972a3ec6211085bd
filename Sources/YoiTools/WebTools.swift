import YoiDiagnostics
import NIOHTTPCompression
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
public import YoiManifest
import YoiProviders

/// What the web tools may do (`feature.web` with `web.fetch` / `web.search` enabled).
public struct WebSettings: Sendable {
  public var section: WebSection
  public var secrets: any SecretSource

  public init(section: WebSection, secrets: any SecretSource) {
    self.section = section
    self.secrets = secrets
  }
}

/// One HTTP client for the web tools: redirects are followed by `web_fetch` itself, so every
/// hop is checked.
final class WebClient: Sendable {
  let http: HTTPClient

  init() {
    var configuration = HTTPClient.Configuration(
      redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)), decompression: .enabled(limit: .ratio(50)))
    configuration.connectionPool.retryConnectionEstablishment = false
    http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
  }

  func shutdown() async { try? await http.shutdown() }

  /// GETs `url`; the body is read up to `limit` bytes (the rest is not downloaded). With
  /// `pinned` (a host and the address it was checked at), the connection goes to that address
  /// (Host header and TLS name unchanged), so a second DNS answer cannot move it elsewhere.
  func get(
    _ url: String, headers: [(String, String)], timeout: Int64, limit: Int, pinned: (host: String, address: String)? = nil
  ) async throws(ToolFailure) -> (
    status: Int, headers: HTTPHeaders, body: [UInt8], truncated: Bool
  ) {
    var request = HTTPClientRequest(url: url)
    request.method = .GET
    request.headers.add(name: "user-agent", value: "yoi (web_fetch)")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    // A pinned hop gets its own short-lived client: AsyncHTTPClient takes DNS overrides per
    // client, not per request.
    var pinnedClient: HTTPClient?
    if let pinned {
      var configuration = HTTPClient.Configuration(
        redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10)), decompression: .enabled(limit: .ratio(50)))
      configuration.connectionPool.retryConnectionEstablishment = false
      configuration.dnsOverride = [pinned.host: pinned.address]
      pinnedClient = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }
    let client = pinnedClient ?? http
    defer {
      if let pinnedClient { Task { try? await pinnedClient.shutdown() } }
    }
    do {
      let response = try await client.execute(request, timeout: .seconds(timeout))
      var body: [UInt8] = []
      var truncated = false
      let deadline = Date().addingTimeInterval(Double(timeout))
      for try await buffer in response.body {
        body += buffer.readableBytesView.prefix(limit - body.count)
        if body.count >= limit {
          truncated = true
          break
        }
        if Date() > deadline { throw ToolFailure("\(url) took longer than \(timeout) s") }
      }
      return (Int(response.status.code), response.headers, body, truncated)
    } catch let failure as ToolFailure {
      throw failure
    } catch {
      throw ToolFailure("fetching \(url) failed: \(error)")
    }
  }
}

/// Addresses a fetched URL may not reach unless `allow_private_addresses`: loopback, private
/// (RFC 1918), carrier-grade NAT, link-local, unique-local, unspecified and multicast.
enum AddressPolicy {
  /// `host` without the brackets of an IPv6 literal (`[::1]` → `::1`).
  static func bare(_ host: String) -> String {
    host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
  }

  /// Every address `host` resolves to (an IP literal is its own address), numeric.
  static func addresses(of host: String) throws(ToolFailure) -> [String] {
    let host = bare(host)
    var hints = addrinfo()
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, nil, &hints, &list)
    guard status == 0, let first = list else { throw ToolFailure("cannot resolve \(host)") }
    defer { freeaddrinfo(list) }
    var found: [String] = []
    var entry: UnsafeMutablePointer<addrinfo>? = first
    while let current = entry {
      if let address = current.pointee.ai_addr, let text = numericHost(address, length: current.pointee.ai_addrlen), !found.contains(text) {
        found.append(text)
      }
      entry = current.pointee.ai_next
    }
    return found
  }

  /// Whether `host` is an IP literal (nothing to resolve, so nothing to rebind).
  static func isLiteral(_ host: String) -> Bool {
    var address4 = in_addr()
    var address6 = in6_addr()
    let host = bare(host)
    return inet_pton(AF_INET, host, &address4) == 1 || inet_pton(AF_INET6, host, &address6) == 1
  }

  static func numericHost(_ address: UnsafeMutablePointer<sockaddr>, length: socklen_t) -> String? {
    var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
    guard getnameinfo(address, length, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 else { return nil }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func isForbidden(_ address: String) -> Bool {
    #if DEBUG
    // Tests stand in for the public internet with loopback aliases named here.
    if let publicForTests = Environment.process[.yoiTestPublicAddresses], publicForTests.split(separator: ",").contains(Substring(address)) {
      return false
    }
    #endif
    if address.contains(":") {
      let lower = address.lowercased()
      if lower.hasPrefix("::ffff:") { return isForbidden(String(lower.dropFirst(7))) }
      return lower == "::1" || lower == "::" || lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("fe8") || lower.hasPrefix("fe9")
        || lower.hasPrefix("fea") || lower.hasPrefix("feb") || lower.hasPrefix("ff")
    }
    let parts = address.split(separator: ".").compactMap { UInt8($0) }
    guard parts.count == 4 else { return true }
    switch (parts[0], parts[1]) {
    case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
    case (172, 16...31), (100, 64...127): return true
    case (224...255, _): return true
    default: return false
    }
  }
}

struct WebFetchTool: FileTool {
  static let name = "web_fetch"
  static let definition = ToolDefinition(
    name: name, description: "Fetch an http(s) URL and return its readable text (HTML reduced to text). Private and loopback addresses are refused.",
    parameters: schema([("url", "string", "http:// or https:// URL")], required: ["url"]))

  struct Arguments: Decodable { var url: String }

  let client: WebClient
  let fetch: WebSection.Fetch
  let allowPrivate: Bool

  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).url }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    var url = try decode(Arguments.self, arguments).url
    let timeout = fetch.timeoutSeconds
    let redirectLimit = fetch.redirectLimit
    let maxResponse = Int(clamping: fetch.maxResponseBytes)
    let maxOutput = Int(clamping: fetch.maxOutputBytes)
    var redirects: Int64 = 0
    while true {
      guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
        let host = components.host, !host.isEmpty
      else { throw ToolFailure("\(url) is not an http(s) URL") }
      // Checked at every hop: a public page must not redirect into the private network. The
      // connection then goes to the address that was checked (no second lookup to rebind).
      var pinned: (host: String, address: String)?
      if !allowPrivate {
        let addresses = try AddressPolicy.addresses(of: host)
        if let address = addresses.first(where: AddressPolicy.isForbidden) {
          throw ToolFailure(
            "refused: \(AddressPolicy.bare(host)) resolves to \(address), a private, loopback or link-local address (web.allow_private_addresses is off)")
        }
        if !AddressPolicy.isLiteral(host), let address = addresses.first { pinned = (host, address) }
      }
      let response = try await client.get(
        url, headers: [("accept", "text/html,text/plain,application/json;q=0.9,*/*;q=0.5")], timeout: timeout, limit: maxResponse, pinned: pinned)
      if (300..<400).contains(response.status), let location = response.headers.first(name: "location") {
        redirects += 1
        guard redirects <= redirectLimit else { throw ToolFailure("more than \(redirectLimit) redirects (web.fetch.redirect_limit)") }
        guard let next = URL(string: location, relativeTo: URL(string: url))?.absoluteString else {
          throw ToolFailure("a redirect to an invalid URL: \(location)")
        }
        url = next
        continue
      }
      let type = response.headers.first(name: "content-type")?.lowercased() ?? ""
      var text: String
      if type.contains("html") {
        text = HTMLText.readable(String(decoding: response.body, as: UTF8.self))
      } else if type.hasPrefix("text/") || type.contains("json") || type.contains("xml") || type.isEmpty {
        text = String(decoding: response.body, as: UTF8.self)
      } else {
        text = "(\(type) content, \(response.body.count) bytes: not shown)"
      }
      text = ToolOutputCap.cap(text, maxBytes: maxOutput)
      // Said first, so no later cap can cut it off.
      var header = "HTTP \(response.status) \(url)\n"
      if response.truncated { header += "[the response was larger than \(maxResponse) bytes (web.fetch.max_response_bytes); the rest was not downloaded]\n" }
      header += "\n"
      return ToolRun(text: header + text, note: "HTTP \(response.status), \(response.body.count) bytes")
    }
  }
}

struct WebSearchTool: FileTool {
  static let name = "web_search"
  static let definition = ToolDefinition(
    name: name, description: "Search the web (Brave Search). Returns titles, URLs and descriptions.",
    parameters: schema([("query", "string", "what to search for")], required: ["query"]))

  struct Arguments: Decodable { var query: String }

  let client: WebClient
  let search: WebSection.Search
  let secrets: any SecretSource

  var subjectIsPath: Bool { false }
  func subject(_ arguments: String) throws(ToolFailure) -> String { try decode(Arguments.self, arguments).query }

  func run(_ arguments: String, _ context: ToolContext) async throws(ToolFailure) -> ToolRun {
    let query = try decode(Arguments.self, arguments).query
    guard let secretID = search.apiKeySecret else { throw ToolFailure("web search has no API key: web.search.api_key_secret is not set in the profile") }
    let key: String
    do {
      key = try secrets.secretPlaintext(secretID)
    } catch {
      throw ToolFailure(
        "web search cannot run: secret `\(secretID)` (web.search.api_key_secret) is not in the secret store; store it with `yoi secret set \(secretID)`")
    }
    var components = URLComponents(string: search.baseURL + "/res/v1/web/search")
    components?.queryItems = [URLQueryItem(name: "q", value: query), URLQueryItem(name: "count", value: "10")]
    guard let url = components?.url?.absoluteString else { throw ToolFailure("web.search.base_url is not a URL") }
    let response = try await client.get(
      url, headers: [("accept", "application/json"), ("x-subscription-token", key)], timeout: search.timeoutSeconds, limit: 2 << 20)
    guard response.status == 200 else { throw ToolFailure("the search API answered HTTP \(response.status)") }
    struct Results: Decodable {
      struct Web: Decodable {
        struct Result: Decodable {
          var title: String?
          var url: String?
          var description: String?
        }
        var results: [Result]?
      }
      var web: Web?
    }
    guard let results = try? JSONCoding.decode(Results.self, from: String(decoding: response.body, as: UTF8.self)) else {
      throw ToolFailure("the search API's answer is not the JSON it documents")
    }
    let items = results.web?.results ?? []
    let text = items.enumerated().map { index, item in
      "\(index + 1). \(item.title ?? "(untitled)")\n   \(item.url ?? "")\n   \(HTMLText.readable(item.description ?? ""))"
    }.joined(separator: "\n")
    return ToolRun(text: text.isEmpty ? "no results for \(query)" : text, note: "\(items.count) results")
  }
}

/// HTML reduced to the text a reader sees: scripts, styles and comments dropped, block
/// elements on their own lines, entities decoded, whitespace collapsed.
enum HTMLText {
  static func readable(_ html: String) -> String {
    var text = ""
    var index = html.startIndex
    var skipping: String?
    while index < html.endIndex {
      if html[index] == "<" {
        guard let close = html[index...].firstIndex(of: ">") else { break }
        let tag = html[html.index(after: index)..<close].lowercased()
        let name = String(tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber })
        if tag.hasPrefix("!--"), let end = html[index...].range(of: "-->") {
          index = end.upperBound
          continue
        }
        if let current = skipping {
          if tag.hasPrefix("/") && name == current { skipping = nil }
        } else if ["script", "style", "noscript", "svg", "template"].contains(name) && !tag.hasPrefix("/") {
          skipping = name
        } else if [
          "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "ul", "ol", "table", "pre", "title",
        ]
        .contains(name) {
          text += name == "li" && !tag.hasPrefix("/") ? "\n- " : "\n"
        }
        index = html.index(after: close)
        continue
      }
      if skipping == nil { text.append(html[index]) }
      index = html.index(after: index)
    }
    let decoded = decodeEntities(text)
    return decoded.split(separator: "\n").map { line in line.split(whereSeparator: \.isWhitespace).joined(separator: " ") }.filter { !$0.isEmpty }
      .joined(separator: "\n")
  }

  static func decodeEntities(_ text: String) -> String {
    guard text.contains("&") else { return text }
    let named = ["amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "mdash": "—", "ndash": "–", "hellip": "…", "copy": "©"]
    var out = ""
    var index = text.startIndex
    while index < text.endIndex {
      if text[index] == "&", let semicolon = text[index...].prefix(12).firstIndex(of: ";") {
        let entity = String(text[text.index(after: index)..<semicolon])
        var replacement: String?
        if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
          replacement = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        } else if entity.hasPrefix("#") {
          replacement = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init).map { String(Character($0)) }
        } else {
          replacement = named[entity]
        }
        if let replacement {
          out += replacement
          index = text.index(after: semicolon)
          continue
        }
      }
      out.append(text[index])
      index = text.index(after: index)
    }
    return out
  }
}
