import CCairo
import Typesetting

/// The key under which a Cairo font face holds the FreeType face it draws with.
nonisolated(unsafe) private var renderingFaceKey = cairo_user_data_key_t()

/// Cairo font faces for the faces a document uses, made once per document.
///
/// Each one draws with a FreeType face of its own (`RenderingFace`), which the Cairo face keeps
/// alive through its user data and releases when Cairo is done with it, as Cairo's
/// documentation asks for faces made with `cairo_ft_font_face_create_for_ft_face`.
final class CairoFonts {
    /// By file: stories set on different threads hold different `FontFace` objects of one file,
    /// and the PDF must embed that font once.
    private var faces: [String: OpaquePointer] = [:]

    func face(for font: FontFace) throws(PDFOutputError) -> OpaquePointer {
        if let known = faces[font.path] { return known }
        let rendering: RenderingFace
        do {
            rendering = try font.openForRendering()
        } catch {
            throw .font("\(font): \(error)")
        }
        let ftFace = rendering.freeTypeFace.assumingMemoryBound(to: FT_FaceRec_.self)
        guard let face = cairo_ft_font_face_create_for_ft_face(ftFace, 0),
              cairo_font_face_status(face) == CAIRO_STATUS_SUCCESS else {
            throw .font("Cairo cannot use \(font.path)")
        }
        let retained = Unmanaged.passRetained(rendering).toOpaque()
        let status = cairo_font_face_set_user_data(face, &renderingFaceKey, retained) { pointer in
            if let pointer { Unmanaged<RenderingFace>.fromOpaque(pointer).release() }
        }
        if status != CAIRO_STATUS_SUCCESS {
            Unmanaged<RenderingFace>.fromOpaque(retained).release()
            cairo_font_face_destroy(face)
            throw .font("Cairo cannot hold \(font.path)")
        }
        faces[font.path] = face
        return face
    }

    deinit {
        for face in faces.values { cairo_font_face_destroy(face) }
    }
}
