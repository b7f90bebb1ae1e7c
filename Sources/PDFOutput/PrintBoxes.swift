import CQPDF
import Foundation

/// TrimBox and BleedBox on every page, set with qpdf after Cairo has written the file: Cairo
/// has no way to set them. Writes `output` from `input`, with a deterministic /ID so the same
/// input gives the same bytes.
enum PrintBoxes {
    struct Boxes {
        /// [left, bottom, right, top] in PDF points.
        var trim: [Double]
        var bleed: [Double]
    }

    static func apply(_ boxes: Boxes, input: String, output: String) throws(PDFOutputError) {
        var data = qpdf_init()
        defer { qpdf_cleanup(&data) }
        func failure(_ what: String) -> PDFOutputError {
            if qpdf_has_error(data) != 0, let error = qpdf_get_error(data), let text = qpdf_get_error_full_text(data, error) {
                return .cairo("qpdf \(what): \(String(cString: text))")
            }
            return .cairo("qpdf \(what)")
        }
        guard qpdf_read(data, input, nil) & Int32(QPDF_ERRORS) == 0 else { throw failure("cannot read \(input)") }
        func array(_ box: [Double]) -> String { "[" + box.map { String(format: "%.3f", $0) }.joined(separator: " ") + "]" }
        let pages = qpdf_get_num_pages(data)
        guard pages >= 0 else { throw failure("cannot count the pages") }
        for index in 0..<Int(pages) {
            let page = qpdf_get_page_n(data, index)
            qpdf_oh_replace_key(data, page, "/TrimBox", qpdf_oh_parse(data, array(boxes.trim)))
            qpdf_oh_replace_key(data, page, "/BleedBox", qpdf_oh_parse(data, array(boxes.bleed)))
        }
        guard qpdf_init_write(data, output) & Int32(QPDF_ERRORS) == 0 else { throw failure("cannot write \(output)") }
        qpdf_set_deterministic_ID(data, 1)
        guard qpdf_write(data) & Int32(QPDF_ERRORS) == 0 else { throw failure("cannot write \(output)") }
    }
}
