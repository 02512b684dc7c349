import Foundation
import StrictJSON

/// Why no credentials could be had. Messages name files, profiles and keys — never a
/// secret or a token.
public struct CredentialError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let help: String?

    public init(_ code: String, _ message: String, help: String? = nil) {
        self.code = code
        self.message = message
        self.help = help
    }

    public var description: String { "[\(code)] \(message)" }
}

/// Finds credentials the way Alibaba Cloud's tools do, in this order:
/// 1. `ALIBABA_CLOUD_ACCESS_KEY_ID` / `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (+ `ALIBABA_CLOUD_SECURITY_TOKEN`);
/// 2. the aliyun CLI's `~/.aliyun/config.json`, profile `--profile`, else `ALIBABA_CLOUD_PROFILE`,
///    else the file's `current` — modes `AK` and `StsToken`;
/// 3. the INI file `~/.alibabacloud/credentials` (or `ALIBABA_CLOUD_CREDENTIALS_FILE`), section
///    as above or `default`, `type = access_key`.
/// Other modes (RamRoleArn, EcsRamRole, OIDC …) need network calls and are refused by name.
public enum CredentialChain {
    public struct Found: Sendable {
        public let credentials: Credentials
        /// Where they came from, for `--verbose` (never the values).
        public let source: String
    }

    public static func resolve(environment env: [String: String], home: String, profile: String? = nil) throws(CredentialError) -> Found {
        // 1. Environment.
        let id = env["ALIBABA_CLOUD_ACCESS_KEY_ID"] ?? ""
        let secret = env["ALIBABA_CLOUD_ACCESS_KEY_SECRET"] ?? ""
        if !id.isEmpty || !secret.isEmpty {
            guard !id.isEmpty, !secret.isEmpty else {
                let missing = id.isEmpty ? "ALIBABA_CLOUD_ACCESS_KEY_ID" : "ALIBABA_CLOUD_ACCESS_KEY_SECRET"
                throw CredentialError(
                    "credentials-incomplete", "`\(missing)` is not set, but the other half of the key is", help: "set both, or neither")
            }
            let token = env["ALIBABA_CLOUD_SECURITY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            return Found(credentials: Credentials(accessKeyId: id, secret: secret, securityToken: token), source: "environment variables")
        }
        let wanted = profile ?? env["ALIBABA_CLOUD_PROFILE"].flatMap { $0.isEmpty ? nil : $0 }
        // 2. aliyun CLI config.
        let cli = (home as NSString).appendingPathComponent(".aliyun/config.json")
        if FileManager.default.fileExists(atPath: cli) {
            if let found = try cliProfile(cli, wanted) { return found }
        }
        // 3. INI credentials file.
        let ini =
            env["ALIBABA_CLOUD_CREDENTIALS_FILE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (home as NSString).appendingPathComponent(".alibabacloud/credentials")
        if FileManager.default.fileExists(atPath: ini) {
            if let found = try iniProfile(ini, wanted ?? "default") { return found }
        }
        if let wanted {
            throw CredentialError(
                "credentials-no-profile", "no profile `\(wanted)` in `\(cli)` or `\(ini)`", help: "check `--profile` or `ALIBABA_CLOUD_PROFILE`")
        }
        throw CredentialError(
            "credentials-none", "no credentials found",
            help: "set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET, or configure the aliyun CLI (`aliyun configure`)")
    }

    static func cliProfile(_ path: String, _ wanted: String?) throws(CredentialError) -> Found? {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialError("credentials-unreadable", "cannot read `\(path)`")
        }
        return try cliProfile(bytes: [UInt8](data), path: path, wanted)
    }

    /// A profile of an aliyun CLI `config.json` given as bytes (`path` names it in messages).
    public static func cliProfile(bytes: [UInt8], path: String, _ wanted: String?) throws(CredentialError) -> Found? {
        let root: JSONValue
        do {
            root = try JSONParser.parse(SourceFile(name: path, bytes: bytes))
        } catch {
            throw CredentialError("credentials-invalid", "\(error.locationText ?? path): \(error.message)")
        }
        let name = wanted ?? root.objectValue?["current"]?.stringValue ?? "default"
        guard let p = (root.objectValue?["profiles"]?.arrayValue ?? []).compactMap(\.objectValue).first(where: { $0["name"]?.stringValue == name })
        else {
            return nil
        }
        let mode = p["mode"]?.stringValue ?? "AK"
        let id = p["access_key_id"]?.stringValue ?? ""
        let secret = p["access_key_secret"]?.stringValue ?? ""
        switch mode.lowercased() {
        case "ak":
            guard !id.isEmpty, !secret.isEmpty else {
                throw CredentialError("credentials-incomplete", "profile `\(shown(name))` in `\(path)` lacks `access_key_id` or `access_key_secret`")
            }
            return Found(credentials: Credentials(accessKeyId: id, secret: secret), source: "aliyun CLI profile `\(shown(name))` (\(path))")
        case "ststoken":
            let token = p["sts_token"]?.stringValue ?? ""
            guard !id.isEmpty, !secret.isEmpty, !token.isEmpty else {
                throw CredentialError(
                    "credentials-incomplete", "profile `\(shown(name))` in `\(path)` lacks `access_key_id`, `access_key_secret` or `sts_token`")
            }
            return Found(
                credentials: Credentials(accessKeyId: id, secret: secret, securityToken: token),
                source: "aliyun CLI profile `\(shown(name))` (\(path), STS)"
            )
        default:
            throw CredentialError(
                "credentials-unsupported", "profile `\(shown(name))` uses mode `\(known(mode, cliModes))`, which ramcheck does not support yet",
                help: "supported: AK and StsToken; get temporary credentials another way and pass them in the environment")
        }
    }

    static func iniProfile(_ path: String, _ section: String) throws(CredentialError) -> Found? {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialError("credentials-unreadable", "cannot read `\(path)`")
        }
        return try iniProfile(text: String(decoding: data, as: UTF8.self), path: path, section)
    }

    /// A section of an INI credentials file given as text (`path` names it in messages).
    public static func iniProfile(text: String, path: String, _ section: String) throws(CredentialError) -> Found? {
        let sections = parseINI(text)
        guard let s = sections[section] else { return nil }
        let type = s["type"] ?? "access_key"
        guard type == "access_key" else {
            throw CredentialError(
                "credentials-unsupported",
                "section `[\(shown(section))]` of `\(path)` has `type = \(known(type, iniTypes))`, which ramcheck does not support yet",
                help: "supported: access_key")
        }
        guard let id = s["access_key_id"], let secret = s["access_key_secret"], !id.isEmpty, !secret.isEmpty else {
            throw CredentialError("credentials-incomplete", "section `[\(shown(section))]` of `\(path)` lacks `access_key_id` or `access_key_secret`")
        }
        return Found(credentials: Credentials(accessKeyId: id, secret: secret), source: "credentials file `\(path)` [\(shown(section))]")
    }

    /// A value from a credentials file as messages may show it: a name or mode word
    /// (letters, digits, `-`, `_`, `.`, up to 40), else not at all — a file's other text may
    /// hold a secret written in the wrong place.
    static func shown(_ value: String) -> String {
        let ok =
            !value.isEmpty && value.count <= 40
            && value.unicodeScalars.allSatisfy { c in
                (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "-" || c == "_" || c == "."
            }
        return ok ? value : "<not shown>"
    }

    /// The aliyun CLI's profile modes and the credentials file's types: only these are named
    /// back in messages (any other value is "an unknown one").
    static let cliModes = [
        "AK", "StsToken", "RamRoleArn", "EcsRamRole", "RsaKeyPair", "ChainableRamRoleArn", "External", "CredentialsURI", "OIDC", "CloudSSO", "OAuth",
    ]
    static let iniTypes = ["access_key", "sts", "ram_role_arn", "ecs_ram_role", "rsa_key_pair", "oidc_role_arn", "credentials_uri", "bearer"]

    static func known(_ value: String, _ list: [String]) -> String {
        list.first { $0.lowercased() == value.lowercased() } ?? "<an unknown one>"
    }

    /// `[section]` headers, `key = value` lines; `#` and `;` start comments (also after a value).
    public static func parseINI(_ text: String) -> [String: [String: String]] {
        var out: [String: [String: String]] = [:]
        var current: String? = nil
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = Substring(raw)
            if let hash = line.firstIndex(where: { $0 == "#" || $0 == ";" }) { line = line[..<hash] }
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            if t.hasPrefix("[") && t.hasSuffix("]") {
                current = String(t.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
                if let c = current, out[c] == nil { out[c] = [:] }
                continue
            }
            guard let c = current, let eq = t.firstIndex(of: "=") else { continue }
            out[c]?[t[..<eq].trimmingCharacters(in: .whitespaces)] = t[t.index(after: eq)...].trimmingCharacters(in: .whitespaces)
        }
        return out
    }
}
