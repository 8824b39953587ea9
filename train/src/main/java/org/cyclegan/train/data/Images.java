package org.cyclegan.train.data;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.FileImageInputStream;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reading images as 8-bit RGB, with {@code javax.imageio} only (PNG, JPEG, BMP, GIF, and TIFF which the JDK also reads),
 * and bicubic resizing.
 *
 * <p>Every image becomes a {@link BufferedImage#TYPE_INT_RGB}, whatever it was stored as: RGB, RGBA, grayscale
 * (with or without alpha), 16 bits per sample (scaled to 8 bits with rounding) or a palette. Alpha is composited onto
 * white: {@code c' = round((c·a + 255·(255 − a)) / 255)}. This is what our data sets need (emoji on a white page); note
 * that the reference's {@code Image.open(p).convert('RGB')} instead drops alpha, keeping whatever colour transparent
 * pixels store, and that PIL turns 16-bit grayscale into mostly white by clipping instead of scaling.
 *
 * <p>Grayscale samples are copied straight into R = G = B, as PIL does. (Java's own conversion treats its gray colour
 * space as linear and would brighten mid-grays by a gamma curve, so {@code drawImage}/{@code getRGB} are not used for
 * gray, sRGB and palette images. CMYK and YCCK JPEGs and TIFFs are converted with PIL's formula, see {@link #cmykToRgb};
 * anything else, e.g. an ICC-profiled RGB image, goes through Java2D's colour conversion.)
 *
 * <p>Anything that goes wrong — a missing, empty, truncated or garbage file, a format no reader knows, a decoder
 * crash, absurd dimensions — is an {@link ImageReadException} naming the file and saying why. A truncated JPEG, which
 * the JDK decoder would otherwise fill with gray and report only as a warning, is an error too (as in PIL).
 */
public final class Images {
    /** Larger images (pixels) are refused before decoding, so a hostile header cannot exhaust memory. */
    public static final long MAX_PIXELS = 1L << 28;

    private Images() {}

    /** Reads a file as 8-bit RGB. */
    public static BufferedImage read(Path file) throws ImageReadException {
        String name = file.toString();
        if (!Files.exists(file)) throw new ImageReadException(name, "no such file");
        if (!Files.isRegularFile(file)) throw new ImageReadException(name, "not a regular file");
        if (!Files.isReadable(file)) throw new ImageReadException(name, "permission denied");
        try {
            if (Files.size(file) == 0) throw new ImageReadException(name, "empty file (0 bytes)");
            try (ImageInputStream in = new FileImageInputStream(file.toFile())) {
                return decode(in, name);
            }
        } catch (ImageReadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageReadException(name, describe(e), e);
        }
    }

    /** Reads an image from a stream (a resource in the jar, say); {@code name} is used in messages. Closes nothing. */
    public static BufferedImage read(InputStream stream, String name) throws ImageReadException {
        try (ImageInputStream in = new MemoryCacheImageInputStream(stream)) {
            return decode(in, name);
        } catch (ImageReadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageReadException(name, describe(e), e);
        }
    }

    private static BufferedImage decode(ImageInputStream in, String name) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
        if (!readers.hasNext()) {
            in.seek(0);
            if (in.read() < 0) throw new ImageReadException(name, "empty file (0 bytes)");
            throw new ImageReadException(name, "not an image in a format this program reads (PNG, JPEG, BMP, GIF, TIFF)");
        }
        ImageReader reader = readers.next();
        List<String> warnings = new ArrayList<>();
        try {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            long w = reader.getWidth(0), h = reader.getHeight(0);
            if (w <= 0 || h <= 0) throw new ImageReadException(name, "image has no pixels (" + w + "x" + h + ")");
            if (w * h > MAX_PIXELS) throw new ImageReadException(name, "image too large (" + w + "x" + h + " pixels)");
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            for (String warning : warnings) {
                String lw = warning.toLowerCase(Locale.ROOT);
                if (lw.contains("premature end") || lw.contains("truncat") || lw.contains("end of file")) {
                    throw new ImageReadException(name, "truncated file (" + reader.getFormatName() + ": " + warning + ")");
                }
            }
            return toRgb(image, name);
        } catch (ImageReadException e) {
            throw e;
        } catch (IOException e) {
            throw new ImageReadException(name, describe(e) + " (" + reader.getFormatName() + " decoder)", e);
        } catch (RuntimeException e) {
            // Decoders fed garbage throw anything from IllegalArgumentException to ArrayIndexOutOfBoundsException.
            throw new ImageReadException(name, "corrupt or unsupported " + reader.getFormatName() + " data (" + e + ")", e);
        } finally {
            reader.dispose();
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (root instanceof java.io.EOFException || msg.toLowerCase(Locale.ROOT).contains("eof")) return "truncated file (" + msg + ")";
        if (root != e && root.getMessage() != null) msg += ": " + root.getMessage();
        return msg;
    }

    /**
     * Converts any decoded image to TYPE_INT_RGB, compositing alpha onto white (see the class comment). Returns
     * {@code image} itself when it is already TYPE_INT_RGB.
     */
    public static BufferedImage toRgb(BufferedImage image, String name) throws ImageReadException {
        if (image == null) throw new ImageReadException(name, "the decoder returned no image");
        if (image.getType() == BufferedImage.TYPE_INT_RGB) return image;
        BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        ColorSpace cs = cm.getColorSpace();
        boolean gray = cs.getType() == ColorSpace.TYPE_GRAY && cm.getNumColorComponents() == 1;
        boolean srgb = cs.isCS_sRGB() && cm.getNumColorComponents() == 3;
        if (cm instanceof IndexColorModel icm) {
            indexedToRgb(raster, icm, out);
        } else if (cm instanceof ComponentColorModel && (gray || srgb) && !cm.isAlphaPremultiplied()) {
            componentsToRgb(raster, cm, gray, out);
        } else if (cm instanceof DirectColorModel && cs.isCS_sRGB()) {
            packedToRgb(image, out);
        } else if (cs.getType() == ColorSpace.TYPE_CMYK && raster.getNumBands() == 4 && raster.getSampleModel().getSampleSize(0) == 8) {
            cmykToRgb(raster, out);
        } else {
            drawnOnWhite(image, out);
        }
        return out;
    }

    /** Images with a colour palette (an IndexColorModel): each index looked up, alpha composited onto white. */
    private static void indexedToRgb(Raster raster, IndexColorModel icm, BufferedImage out) {
        int w = out.getWidth(), h = out.getHeight();
        int[] rgb = new int[w], idx = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, idx);
            for (int x = 0; x < w; x++) rgb[x] = onWhite(icm.getRGB(idx[x]));
            out.setRGB(0, y, w, 1, rgb, 0, w);
        }
    }

    /**
     * Gray or sRGB samples of any depth, with or without (straight) alpha: each sample scaled to 8 bits, alpha
     * composited onto white.
     */
    private static void componentsToRgb(Raster raster, ColorModel cm, boolean gray, BufferedImage out) {
        int w = out.getWidth(), h = out.getHeight();
        int[] rgb = new int[w];
        int bands = raster.getNumBands(), colors = cm.getNumColorComponents();
        int[] px = new int[w * bands];
        double[] scale = new double[bands];
        for (int b = 0; b < bands; b++) scale[b] = 255.0 / ((1L << raster.getSampleModel().getSampleSize(b)) - 1);
        boolean alpha = cm.hasAlpha() && bands > colors;
        for (int y = 0; y < h; y++) {
            raster.getPixels(0, y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int o = x * bands;
                int r = (int) Math.round(px[o] * scale[0]);
                int g = gray ? r : (int) Math.round(px[o + 1] * scale[1]);
                int bl = gray ? r : (int) Math.round(px[o + 2] * scale[2]);
                int a = alpha ? (int) Math.round(px[o + colors] * scale[colors]) : 255;
                rgb[x] = onWhite(a << 24 | r << 16 | g << 8 | bl);
            }
            out.setRGB(0, y, w, 1, rgb, 0, w);
        }
    }

    /** Packed sRGB (BMP 16/32-bit, TYPE_INT_ARGB...): getRGB is exact here. */
    private static void packedToRgb(BufferedImage image, BufferedImage out) {
        int w = out.getWidth(), h = out.getHeight();
        int[] rgb = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, rgb, 0, w);
            for (int x = 0; x < w; x++) rgb[x] = onWhite(rgb[x]);
            out.setRGB(0, y, w, 1, rgb, 0, w);
        }
    }

    /** Other colour spaces (ICC profiles, premultiplied alpha): Java2D converts to sRGB, drawn over white. */
    private static void drawnOnWhite(BufferedImage image, BufferedImage out) {
        Graphics2D g = out.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
    }

    /**
     * CMYK (and YCCK, which the JPEG decoder hands over as CMYK) the way the reference reads them: PIL's
     * {@code convert('RGB')} computes {@code R = (255 − K) − C·(255 − K)/255} (its MULDIV255 rounding), and likewise G
     * from M and B from Y, ignoring any colour profile. Java2D would instead go through a CMYK ICC profile and give
     * other colours (RGB 0,128,255 saved as CMYK by PIL came back as 0,188,255). The decoder has already undone the
     * inversion of Adobe CMYK JPEGs, so the samples are ink amounts, as PIL's are after opening. (Checked against PIL for
     * a CMYK JPEG, ImagesTest; YCCK, which the JDK decodes to CMYK before handing it over, is not: PIL cannot write it.)
     */
    private static void cmykToRgb(Raster raster, BufferedImage out) {
        int w = raster.getWidth(), h = raster.getHeight();
        int[] px = new int[w * 4], rgb = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, px);
            for (int x = 0; x < w; x++) {
                int o = x * 4, nk = 255 - px[o + 3];
                int r = nk - mulDiv255(px[o], nk), g = nk - mulDiv255(px[o + 1], nk), b = nk - mulDiv255(px[o + 2], nk);
                rgb[x] = r << 16 | g << 8 | b;
            }
            out.setRGB(0, y, w, 1, rgb, 0, w);
        }
    }

    /** PIL's MULDIV255: a·b/255 rounded, with integer arithmetic only. */
    static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    /** Composites a non-premultiplied ARGB pixel onto white; returns opaque RGB. */
    static int onWhite(int argb) {
        int a = argb >>> 24;
        if (a == 255) return argb & 0xFFFFFF;
        int r = (argb >> 16) & 255, g = (argb >> 8) & 255, b = argb & 255;
        int wa = 255 - a;
        r = (r * a + 255 * wa + 127) / 255;
        g = (g * a + 255 * wa + 127) / 255;
        b = (b * a + 255 * wa + 127) / 255;
        return r << 16 | g << 8 | b;
    }

    /**
     * Resizes an RGB image to {@code w × h} with Java2D's bicubic interpolation ({@code RenderingHints}). Java2D's
     * bicubic does not widen its kernel when shrinking, as PIL's does (PIL filters with support scaled by the
     * reduction factor), so shrinking by more than 2× is done in halving steps first to limit aliasing; results differ
     * from PIL's bicubic by a few levels per channel, more on sharp edges. Returns {@code src} when the size already
     * matches (as PIL returns an identical copy).
     */
    public static BufferedImage resize(BufferedImage src, int w, int h) {
        if (w <= 0 || h <= 0) throw new IllegalArgumentException("resize: bad target size " + w + "x" + h);
        if (src.getWidth() == w && src.getHeight() == h) return src;
        BufferedImage cur = src;
        int cw = cur.getWidth(), ch = cur.getHeight();
        while (cw > 2 * w || ch > 2 * h) {
            if (cw > 2 * w) cw = (cw + 1) / 2;
            if (ch > 2 * h) ch = (ch + 1) / 2;
            cur = draw(cur, cw, ch);
        }
        return draw(cur, w, h);
    }

    private static BufferedImage draw(BufferedImage src, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(src, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }
}
