import Foundation
import IssueModel

/// Reads an image file's format and pixel size from its header, without decoding it.
///
/// Only JPEG and PNG are accepted: they are what Cairo embeds in a PDF and what every mail
/// client shows. A file with another signature is reported for what it is.
enum ImageProbe {
    struct Info: Equatable {
        var format: ImageRef.Format
        var width: Int
        var height: Int
    }

    enum Failure: Error, Equatable {
        case unreadable
        /// Not JPEG or PNG; the associated text names what it looks like when known.
        case unsupported(String?)
        case corrupt(String)
    }

    static func probe(path: String) -> Result<Info, Failure> {
        guard let handle = FileHandle(forReadingAtPath: path) else { return .failure(.unreadable) }
        defer { try? handle.close() }
        // The size is in the first few kilobytes of a PNG; a JPEG's SOF marker can follow large
        // EXIF or ICC segments, so read more for those.
        let head = [UInt8]((try? handle.read(upToCount: 512 * 1024)) ?? Data())
        return probe(bytes: head)
    }

    static func probe(bytes b: [UInt8]) -> Result<Info, Failure> {
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return png(b) }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return jpeg(b) }
        if b.starts(with: Array("GIF8".utf8)) { return .failure(.unsupported("GIF")) }
        if b.starts(with: Array("RIFF".utf8)), b.count > 12, Array(b[8..<12]) == Array("WEBP".utf8) {
            return .failure(.unsupported("WebP"))
        }
        if b.starts(with: Array("<svg".utf8)) || b.starts(with: Array("<?xml".utf8)) { return .failure(.unsupported("SVG")) }
        if b.starts(with: [0x49, 0x49, 0x2A, 0x00]) || b.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) {
            return .failure(.unsupported("TIFF"))
        }
        if b.count >= 12, Array(b[4..<8]) == Array("ftyp".utf8) { return .failure(.unsupported("HEIC or AVIF")) }
        return .failure(.unsupported(nil))
    }

    private static func be32(_ b: [UInt8], _ i: Int) -> Int {
        Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
    }

    private static func be16(_ b: [UInt8], _ i: Int) -> Int { Int(b[i]) << 8 | Int(b[i + 1]) }

    /// PNG: the IHDR chunk comes first and holds width and height (PNG spec §11.2.2).
    private static func png(_ b: [UInt8]) -> Result<Info, Failure> {
        guard b.count >= 24, Array(b[12..<16]) == Array("IHDR".utf8) else { return .failure(.corrupt("PNG without an IHDR header")) }
        let w = be32(b, 16), h = be32(b, 20)
        guard w > 0, h > 0 else { return .failure(.corrupt("PNG of size \(w)×\(h)")) }
        return .success(Info(format: .png, width: w, height: h))
    }

    /// JPEG: walk the marker segments to the first start-of-frame (SOF0–SOF15 but DHT, JPG, DAC).
    private static func jpeg(_ b: [UInt8]) -> Result<Info, Failure> {
        var i = 2
        while i + 4 <= b.count {
            guard b[i] == 0xFF else { return .failure(.corrupt("JPEG marker expected at byte \(i)")) }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
            if marker == 0xD9 || marker == 0xDA { break }  // end of image or start of scan before any frame
            let length = be16(b, i + 2)
            guard length >= 2 else { return .failure(.corrupt("JPEG segment of length \(length)")) }
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                guard i + 9 <= b.count else { break }
                let h = be16(b, i + 5), w = be16(b, i + 7)
                guard w > 0, h > 0 else { return .failure(.corrupt("JPEG of size \(w)×\(h)")) }
                return .success(Info(format: .jpeg, width: w, height: h))
            }
            i += 2 + length
        }
        return .failure(.corrupt("JPEG without a frame header in its first 512 KB"))
    }
}
