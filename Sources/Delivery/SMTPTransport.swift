import CCurl
import Foundation
import MIME

/// Where and how to reach an SMTP server.
public struct SMTPSettings: Sendable {
    public enum TLS: String, Sendable, CaseIterable {
        /// STARTTLS must succeed (with a certificate that verifies), or nothing is sent.
        case required
        /// STARTTLS when the server offers it; plain text otherwise (a relay on this machine).
        case ifOffered = "if-offered"
        /// Never (only for a relay on this machine or a test).
        case off
    }

    public enum Auth: String, Sendable, CaseIterable {
        case plain, login
    }

    /// `smtp://host:port` or `smtps://host:port`.
    public var url: String
    public var tls: TLS
    /// A PEM file of certificates to trust besides (instead of) the system's: a test CA, a
    /// relay with a private CA.
    public var caFile: String?
    public var user: String?
    public var password: String?
    /// The mechanism to use; nil lets libcurl take the best the server offers.
    public var auth: Auth?
    /// The name the client gives in EHLO.
    public var heloName: String

    public init(url: String, tls: TLS, caFile: String? = nil, user: String? = nil, password: String? = nil, auth: Auth? = nil, heloName: String) {
        self.url = url
        self.tls = tls
        self.caFile = caFile
        self.user = user
        self.password = password
        self.auth = auth
        self.heloName = heloName
    }

    /// Makes libcurl ready for threads; called once before the first transport.
    public static let globalInit: Void = { issue_curl_global_init(Int(CURL_GLOBAL_ALL)) }()
}

/// SMTP through libcurl: one easy handle per sending thread, which keeps its connection open
/// between messages (so one session carries many messages, until `reset`).
///
/// libcurl reports a failed transfer as a generic error code; what matters for the journal is
/// the server's own reply and the stage it answered, so a debug callback reads every reply line
/// and every command sent, and the read callback notes when the whole message has been handed
/// over. From those: a 4xx is temporary, a 5xx to RCPT or to the message is permanent, a 5xx to
/// MAIL FROM or a failed login or TLS is fatal for the whole send, and a connection lost after
/// the last byte of the message went out is ambiguous.
public final class SMTPTransport: MailTransport {
    private let settings: SMTPSettings
    private var handle: UnsafeMutableRawPointer?

    public init(settings: SMTPSettings) {
        _ = SMTPSettings.globalInit
        self.settings = settings
    }

    deinit {
        if let handle { issue_curl_easy_cleanup(handle) }
    }

    public func reset() {
        if let handle { issue_curl_easy_cleanup(handle) }
        handle = nil
    }

    /// What one transfer saw; the callbacks reach it through their user-data pointer.
    final class Transfer {
        let message: MessageCopy
        var cursor = MessageCopy.Cursor()
        var handedOver = false
        var lastCommand = ""
        var quitting = false
        var currentReply: [String] = []
        var lastReply = ""
        var partialLine: [UInt8] = []

        init(message: MessageCopy) {
            self.message = message
        }

        /// Reply lines as libcurl passes them, in any pieces. Bytes, not Characters: in Swift
        /// "\r\n" is one Character, and would never match "\n".
        func received(_ bytes: UnsafeRawBufferPointer) {
            for b in bytes {
                guard b == 10 else { partialLine.append(b); continue }
                if partialLine.last == 13 { partialLine.removeLast() }
                let line = String(decoding: partialLine, as: UTF8.self)
                partialLine.removeAll()
                currentReply.append(line)
                // The last line of a reply has a space (or nothing) after its code.
                if isLastLine(line) {
                    lastReply = currentReply.joined(separator: " ")
                    currentReply = []
                }
            }
        }

        private func isLastLine(_ line: String) -> Bool {
            let bytes = Array(line.utf8)
            return bytes.count <= 3 || bytes[3] == 32
        }
    }

    private func configure(_ h: UnsafeMutableRawPointer) -> String? {
        var base = settings.url
        while base.hasSuffix("/") { base.removeLast() }
        // libcurl takes the EHLO name from the URL's path.
        let checks: [(CURLcode, String)] = [
            (issue_curl_setopt_string(h, CURLOPT_URL, base + "/" + settings.heloName), "the URL"),
            (issue_curl_setopt_long(h, CURLOPT_UPLOAD, 1), "upload"),
            (issue_curl_setopt_long(h, CURLOPT_NOSIGNAL, 1), "nosignal"),
            (issue_curl_setopt_long(h, CURLOPT_CONNECTTIMEOUT, 30), "connect timeout"),
            // A server that goes silent: give up after two minutes under a byte a second.
            (issue_curl_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1), "low speed"),
            (issue_curl_setopt_long(h, CURLOPT_LOW_SPEED_TIME, 120), "low speed time"),
            (issue_curl_setopt_long(h, CURLOPT_USE_SSL, Int(settings.tls == .required ? CURLUSESSL_ALL.rawValue
                                                            : settings.tls == .ifOffered ? CURLUSESSL_TRY.rawValue : CURLUSESSL_NONE.rawValue)), "TLS"),
            (issue_curl_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 1), "verify peer"),
            (issue_curl_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 2), "verify host"),
            (issue_curl_setopt_long(h, CURLOPT_VERBOSE, 1), "verbose"),
            (issue_curl_setopt_debug(h, { _, kind, data, size, user in
                guard let user, let data else { return 0 }
                let transfer = Unmanaged<SMTPTransport.Transfer>.fromOpaque(user).takeUnretainedValue()
                // After QUIT (libcurl closes a connection after an error) the replies are not
                // about the message: the reply that counts came before.
                if kind == CURLINFO_HEADER_IN && !transfer.quitting {
                    transfer.received(UnsafeRawBufferPointer(start: data, count: size))
                } else if kind == CURLINFO_HEADER_OUT {
                    // Only the verb: AUTH lines carry the credentials, which are never kept.
                    let bytes = UnsafeRawBufferPointer(start: data, count: min(size, 8))
                    let verb = String(decoding: bytes, as: UTF8.self).split(separator: " ").first
                        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines).uppercased() } ?? ""
                    if verb == "QUIT" { transfer.quitting = true } else { transfer.lastCommand = verb }
                }
                return 0
            }), "debug"),
            (issue_curl_setopt_read(h, { buffer, size, count, user in
                guard let user, let buffer else { return 0 }
                let transfer = Unmanaged<SMTPTransport.Transfer>.fromOpaque(user).takeUnretainedValue()
                // Straight from the copy's segments into libcurl's buffer.
                let n = transfer.message.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: size * count), cursor: &transfer.cursor)
                if n == 0 {
                    transfer.handedOver = true
                    return 0
                }
                return n
            }), "read"),
        ]
        for (code, what) in checks where code != CURLE_OK {
            return "libcurl refused the \(what) setting: \(String(cString: issue_curl_easy_strerror(code)))"
        }
        if let caFile = settings.caFile, issue_curl_setopt_string(h, CURLOPT_CAINFO, caFile) != CURLE_OK {
            return "libcurl refused the CA file"
        }
        if let user = settings.user {
            _ = issue_curl_setopt_string(h, CURLOPT_USERNAME, user)
            _ = issue_curl_setopt_string(h, CURLOPT_PASSWORD, settings.password ?? "")
            if let auth = settings.auth {
                _ = issue_curl_setopt_string(h, CURLOPT_LOGIN_OPTIONS, "AUTH=" + auth.rawValue.uppercased())
            }
        }
        return nil
    }

    public func send(_ message: MessageCopy, from: String, to: String) -> DeliveryOutcome {
        if handle == nil {
            guard let h = issue_curl_easy_init() else {
                return .fatal(issue_curl_available() == 0 ? "libcurl (libcurl.so.4) is not installed; on Debian: apt install libcurl4"
                              : "libcurl cannot start")
            }
            if let problem = configure(h) {
                issue_curl_easy_cleanup(h)
                return .fatal(problem)
            }
            handle = h
        }
        guard let h = handle else { return .fatal("libcurl cannot start") }
        let transfer = Transfer(message: message)
        let user = Unmanaged.passUnretained(transfer).toOpaque()
        let recipients: UnsafeMutablePointer<curl_slist>? = issue_curl_slist_append(nil, "<\(to)>")
        defer { issue_curl_slist_free_all(recipients) }
        _ = issue_curl_setopt_string(h, CURLOPT_MAIL_FROM, "<\(from)>")
        _ = issue_curl_setopt_pointer(h, CURLOPT_MAIL_RCPT, UnsafeMutableRawPointer(recipients))
        _ = issue_curl_setopt_pointer(h, CURLOPT_READDATA, user)
        _ = issue_curl_setopt_pointer(h, CURLOPT_DEBUGDATA, user)
        let code = withExtendedLifetime(transfer) { issue_curl_easy_perform(h) }
        // The transfer object dies with this call; a later QUIT must not reach it.
        _ = issue_curl_setopt_pointer(h, CURLOPT_MAIL_RCPT, nil)
        _ = issue_curl_setopt_pointer(h, CURLOPT_READDATA, nil)
        _ = issue_curl_setopt_pointer(h, CURLOPT_DEBUGDATA, nil)
        var response = 0
        _ = issue_curl_getinfo_long(h, CURLINFO_RESPONSE_CODE, &response)
        // The code of the reply read before any QUIT, when there is one.
        if let code = Int(transfer.lastReply.prefix(3)), (200..<600).contains(code) { response = code }
        let reply = transfer.lastReply.isEmpty ? "no reply" : Self.printable(transfer.lastReply)
        if code == CURLE_OK { return .accepted(reply) }
        let error = String(cString: issue_curl_easy_strerror(code))
        // Whatever happened, this session is not used again.
        reset()
        switch code {
        case CURLE_LOGIN_DENIED:
            return .fatal("the server refused the login: \(reply)")
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CONNECT_ERROR, CURLE_USE_SSL_FAILED, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM:
            return .fatal("TLS failed: \(error)")
        case CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN:
            return .fatal("\(settings.url): \(error)")
        default: break
        }
        if (400..<500).contains(response) { return .temporary(reply) }
        if (500..<600).contains(response) {
            // The sender refused (or anything before the recipient) is not this address's
            // fault: suppressing it would suppress the whole list.
            if transfer.lastCommand == "MAIL" || transfer.lastCommand == "EHLO" || transfer.lastCommand == "HELO"
                || transfer.lastCommand == "AUTH" || transfer.lastCommand == "STARTTLS" {
                return .fatal("the server refused \(transfer.lastCommand): \(reply)")
            }
            return .permanent(reply)
        }
        // No 4xx or 5xx: the connection was lost (or never made). Before the last byte went
        // out the server cannot have taken the message; after it, nobody knows.
        if transfer.handedOver && transfer.lastCommand == "DATA" {
            return .ambiguous("connection lost after the whole message was sent (\(error))")
        }
        return .temporary("connection lost: \(error)" + (transfer.lastReply.isEmpty ? "" : "; last reply: \(reply)"))
    }

    /// A reply as the journal and the terminal show it: no control characters, not too long.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? " " : Character($0) }.prefix(300))
    }
}
