import CCairo
import CTurboJPEG
import Foundation
import IssueModel
import PageMakeup

/// A picture made smaller for a medium that does not need all its pixels (an email).
public struct ScaledPicture: Sendable {
    public var bytes: [UInt8]
    public var format: ImageRef.Format
    public var width: Int
    public var height: Int
}

/// Pictures scaled down and encoded again: JPEG through TurboJPEG (quality 82), PNG through
/// Cairo, with good filtering. A picture already narrow enough, or one that scaling would make
/// larger in bytes (a flat drawing whose smoothed edges compress worse), is returned as it is.
public enum PictureScaling {
    public static func scaled(_ image: PageImage, maxWidth: Int) throws(PDFOutputError) -> ScaledPicture {
        guard let data = FileManager.default.contents(atPath: image.path) else { throw .image(image.path, "cannot be read") }
        let original = ScaledPicture(bytes: [UInt8](data), format: image.format, width: image.pixelWidth, height: image.pixelHeight)
        guard image.pixelWidth > maxWidth else { return original }
        let smaller = try resample(image, maxWidth: maxWidth)
        return smaller.bytes.count < original.bytes.count ? smaller : original
    }

    private static func resample(_ image: PageImage, maxWidth: Int) throws(PDFOutputError) -> ScaledPicture {
        let images = ImageSurfaces()
        let source = try images.surface(for: image)
        let width = maxWidth
        let height = max(1, Int((Double(image.pixelHeight) * Double(maxWidth) / Double(image.pixelWidth)).rounded()))
        let format = image.format == .png ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24
        guard let target = cairo_image_surface_create(format, Int32(width), Int32(height)),
              cairo_surface_status(target) == CAIRO_STATUS_SUCCESS else { throw .image(image.path, "cannot be scaled") }
        defer { cairo_surface_destroy(target) }
        guard let cr = cairo_create(target) else { throw .cairo("no drawing context") }
        cairo_scale(cr, Double(width) / Double(image.pixelWidth), Double(height) / Double(image.pixelHeight))
        cairo_set_source_surface(cr, source, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_BEST)
        cairo_paint(cr)
        cairo_destroy(cr)
        cairo_surface_flush(target)
        switch image.format {
        case .png: return ScaledPicture(bytes: try png(target, path: image.path), format: .png, width: width, height: height)
        case .jpeg: return ScaledPicture(bytes: try jpeg(target, width: width, height: height, path: image.path), format: .jpeg, width: width, height: height)
        }
    }

    private static func png(_ surface: OpaquePointer, path: String) throws(PDFOutputError) -> [UInt8] {
        final class Sink { var bytes: [UInt8] = [] }
        let sink = Sink()
        let status = cairo_surface_write_to_png_stream(surface, { closure, data, length in
            let sink = Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue()
            sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        guard status == CAIRO_STATUS_SUCCESS else { throw .image(path, "cannot be encoded as PNG") }
        return sink.bytes
    }

    private static func jpeg(_ surface: OpaquePointer, width: Int, height: Int, path: String) throws(PDFOutputError) -> [UInt8] {
        guard let handle = tjInitCompress() else { throw .image(path, "TurboJPEG is not available") }
        defer { tjDestroy(handle) }
        guard let pixels = cairo_image_surface_get_data(surface) else { throw .image(path, "cannot be encoded as JPEG") }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = tjCompress2(handle, pixels, Int32(width), cairo_image_surface_get_stride(surface), Int32(height),
                                 Int32(TJPF_BGRX.rawValue), &output, &size, Int32(TJSAMP_420.rawValue), 82, 0)
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else { throw .image(path, "cannot be encoded as JPEG (\(String(cString: tjGetErrorStr2(handle))))") }
        return Array(UnsafeBufferPointer(start: output, count: Int(size)))
    }
}
