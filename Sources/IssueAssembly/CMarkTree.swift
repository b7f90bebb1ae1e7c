import CCmarkGFM

/// A Markdown document parsed by cmark-gfm, owned by Swift: the tree is freed with this object.
///
/// Parsed with the GFM extensions (table, strikethrough, autolink, tagfilter, tasklist), footnotes,
/// smart punctuation (curly quotes, dashes, ellipses) and source positions. The C pointers never
/// leave this module.
final class CMarkTree {
    let root: OpaquePointer

    static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]
    static let options: Int32 = CMARK_OPT_SOURCEPOS | CMARK_OPT_SMART | CMARK_OPT_FOOTNOTES

    /// Registering the core extensions once per process; Swift runs a static initialiser once.
    private static let registered: Bool = {
        cmark_gfm_core_extensions_ensure_registered()
        return true
    }()

    init(parsing text: String) {
        _ = Self.registered
        let parser = cmark_parser_new(Self.options)!
        defer { cmark_parser_free(parser) }
        for name in Self.extensionNames {
            if let ext = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, ext)
            }
        }
        var text = text
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                if let base = chars.baseAddress { cmark_parser_feed(parser, base, chars.count) }
            }
        }
        root = cmark_parser_finish(parser)
    }

    deinit { cmark_node_free(root) }
}

/// A borrowed view of one node of a `CMarkTree`; valid while the tree lives.
struct CMarkNode {
    let pointer: OpaquePointer

    var type: cmark_node_type { cmark_node_get_type(pointer) }
    /// cmark-gfm's name for the type; the only way to tell extension nodes apart
    /// (`table`, `table_header`, `table_row`, `table_cell`, `strikethrough`, `tasklist`).
    var typeName: String { cmark_node_get_type_string(pointer).map { String(cString: $0) } ?? "" }
    var literal: String { cmark_node_get_literal(pointer).map { String(cString: $0) } ?? "" }
    var url: String { cmark_node_get_url(pointer).map { String(cString: $0) } ?? "" }
    var title: String { cmark_node_get_title(pointer).map { String(cString: $0) } ?? "" }
    var fenceInfo: String { cmark_node_get_fence_info(pointer).map { String(cString: $0) } ?? "" }
    var headingLevel: Int { Int(cmark_node_get_heading_level(pointer)) }
    var listType: cmark_list_type { cmark_node_get_list_type(pointer) }
    var listDelimiter: cmark_delim_type { cmark_node_get_list_delim(pointer) }
    var listStart: Int { Int(cmark_node_get_list_start(pointer)) }
    var listIsTight: Bool { cmark_node_get_list_tight(pointer) != 0 }
    var startLine: Int { Int(cmark_node_get_start_line(pointer)) }
    var startColumn: Int { Int(cmark_node_get_start_column(pointer)) }
    var endLine: Int { Int(cmark_node_get_end_line(pointer)) }
    var isTaskChecked: Bool { cmark_gfm_extensions_get_tasklist_item_checked(pointer) }
    var isTableHeaderRow: Bool { cmark_gfm_extensions_get_table_row_is_header(pointer) != 0 }

    /// One of `l`, `c`, `r` or 0 per column.
    var tableAlignments: [UInt8] {
        let count = Int(cmark_gfm_extensions_get_table_columns(pointer))
        guard count > 0, let raw = cmark_gfm_extensions_get_table_alignments(pointer) else { return [] }
        return (0..<count).map { raw[$0] }
    }

    var children: [CMarkNode] {
        var out: [CMarkNode] = []
        var child = cmark_node_first_child(pointer)
        while let c = child {
            out.append(CMarkNode(pointer: c))
            child = cmark_node_next(c)
        }
        return out
    }
}
