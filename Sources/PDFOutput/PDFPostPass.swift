import CQPDF
import Foundation

/// What qpdf does to the file after Cairo has written it, in one pass: TrimBox and BleedBox on
/// every page (Cairo has no way to set them), and each PNG stand-in's image replaced by the
/// PNG's own compressed rows (see `ImageSurfaces`, `PNGPassthrough`). Writes `output` from
/// `input`, with a deterministic /ID so the same input gives the same bytes.
enum PDFPostPass {
    struct Boxes {
        /// [left, bottom, right, top] in PDF points.
        var trim: [Double]
        var bleed: [Double]
    }

    static func apply(boxes: Boxes?, pictures: [PNGPassthrough], input: String, output: String) throws(PDFOutputError) {
        guard issue_qpdf_available() != 0 else {
            throw .cairo("libqpdf (libqpdf.so.29) is not installed; on Debian: apt install libqpdf29")
        }
        var data = issue_qpdf_init()
        defer { issue_qpdf_cleanup(&data) }
        func failure(_ what: String) -> PDFOutputError {
            if issue_qpdf_has_error(data) != 0, let error = issue_qpdf_get_error(data), let text = issue_qpdf_get_error_full_text(data, error) {
                return .cairo("qpdf \(what): \(String(cString: text))")
            }
            return .cairo("qpdf \(what)")
        }
        guard issue_qpdf_read(data, input, nil) & Int32(QPDF_ERRORS) == 0 else { throw failure("cannot read \(input)") }
        if let boxes {
            func array(_ box: [Double]) -> String { "[" + box.map { String(format: "%.3f", $0) }.joined(separator: " ") + "]" }
            let pages = issue_qpdf_get_num_pages(data)
            guard pages >= 0 else { throw failure("cannot count the pages") }
            for index in 0..<Int(pages) {
                let page = issue_qpdf_get_page_n(data, index)
                issue_qpdf_oh_replace_key(data, page, "/TrimBox", issue_qpdf_oh_parse(data, array(boxes.trim)))
                issue_qpdf_oh_replace_key(data, page, "/BleedBox", issue_qpdf_oh_parse(data, array(boxes.bleed)))
            }
        }
        if !pictures.isEmpty {
            let replaced = replaceStandIns(data, pictures)
            // Each picture is one image object (Cairo shares it by its unique ID): a stand-in
            // left in the file would print as two coloured pixels.
            guard replaced == pictures.count else {
                throw .cairo("\(pictures.count - replaced) of \(pictures.count) PNG pictures were not found in the PDF Cairo wrote")
            }
        }
        guard issue_qpdf_init_write(data, output) & Int32(QPDF_ERRORS) == 0 else { throw failure("cannot write \(output)") }
        issue_qpdf_set_deterministic_ID(data, 1)
        guard issue_qpdf_write(data) & Int32(QPDF_ERRORS) == 0 else { throw failure("cannot write \(output)") }
    }

    /// Finds every 2 × 1 image whose first pixel is the stand-in mark and puts the numbered
    /// picture's rows, size and colours in its place. Returns how many pictures were placed.
    private static func replaceStandIns(_ data: qpdf_data?, _ pictures: [PNGPassthrough]) -> Int {
        let size = issue_qpdf_oh_get_int_value_as_int(data, issue_qpdf_oh_get_key(data, issue_qpdf_get_trailer(data), "/Size"))
        var placed = Set<Int>()
        for id in 1..<max(1, Int(size)) {
            let object = issue_qpdf_get_object_by_id(data, Int32(id), 0)
            guard issue_qpdf_oh_is_stream(data, object) != 0 else { continue }
            let dictionary = issue_qpdf_oh_get_dict(data, object)
            guard issue_qpdf_oh_is_name_and_equals(data, issue_qpdf_oh_get_key(data, dictionary, "/Subtype"), "/Image") != 0,
                  issue_qpdf_oh_get_int_value_as_int(data, issue_qpdf_oh_get_key(data, dictionary, "/Width")) == 2,
                  issue_qpdf_oh_get_int_value_as_int(data, issue_qpdf_oh_get_key(data, dictionary, "/Height")) == 1 else { continue }
            var filtered: QPDF_BOOL = 0
            var buffer: UnsafeMutablePointer<UInt8>?
            var length: Int = 0
            // Warnings (Cairo lists a picture drawn twice twice in a page's resources) are no failure.
            guard issue_qpdf_oh_get_stream_data(data, object, qpdf_dl_generalized, &filtered, &buffer, &length) & Int32(QPDF_ERRORS) == 0,
                  let buffer else { continue }
            let pixels = Array(UnsafeBufferPointer(start: buffer, count: length))
            free(buffer)
            guard filtered != 0, pixels.count == 6, Array(pixels[0..<3]) == ImageSurfaces.standInMark else { continue }
            let number = Int(pixels[3]) << 16 | Int(pixels[4]) << 8 | Int(pixels[5])
            guard number < pictures.count, !placed.contains(number) else { continue }
            let picture = pictures[number]
            issue_qpdf_oh_replace_key(data, dictionary, "/Width", issue_qpdf_oh_new_integer(data, Int64(picture.width)))
            issue_qpdf_oh_replace_key(data, dictionary, "/Height", issue_qpdf_oh_new_integer(data, Int64(picture.height)))
            issue_qpdf_oh_replace_key(data, dictionary, "/BitsPerComponent", issue_qpdf_oh_new_integer(data, Int64(picture.bitsPerComponent)))
            issue_qpdf_oh_replace_key(data, dictionary, "/ColorSpace", issue_qpdf_oh_parse(data, picture.colorSpace))
            picture.compressed.withUnsafeBufferPointer { bytes in
                issue_qpdf_oh_replace_stream_data(data, object, bytes.baseAddress, bytes.count,
                                            issue_qpdf_oh_new_name(data, "/FlateDecode"), issue_qpdf_oh_parse(data, picture.decodeParameters))
            }
            placed.insert(number)
        }
        return placed.count
    }
}
