package org.cyclegan.train.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.cyclegan.engine.io.AtomicFile;

/** The little HTML the result pages need: text escaping, links to files with any name, image sizes, and atomic writes. */
final class Html {
    private Html() {}

    /** Text safe inside an element or a quoted attribute: {@code & < > " '} become entities. */
    static String escape(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * A relative link to a file, for an {@code src} or {@code href} attribute: each '/'-separated segment is
     * percent-encoded as UTF-8 except the characters RFC 3986 leaves unreserved, so names with spaces, '#', '?', '%' or
     * non-ASCII letters still point at their file.
     */
    static String link(String relativePath) {
        StringBuilder sb = new StringBuilder();
        for (byte b : relativePath.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
                sb.append((char) c);
            } else {
                sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return sb.toString();
    }

    /**
     * An image file's width and height, read from its header (the pixels are not decoded); null when the file is not
     * an image Java can read, and the page then leaves the size to the browser.
     */
    static int[] imageSize(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            if (in == null) return null;
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) return null;
            ImageReader reader = readers.next();
            try {
                reader.setInput(in);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** {@code width="W" height="H"} attributes, with a space before them. */
    static String size(int width, int height) {
        return " width=\"" + width + "\" height=\"" + height + "\"";
    }

    /** Writes a page as UTF-8, atomically (a browser reloading it never sees half a page). */
    static void write(Path file, String html) throws IOException {
        AtomicFile.writeString(file, html);
    }

    /** The start of a page up to and including {@code <body>}, with a small style sheet shared by the pages. */
    static String head(String title) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title) + "</title>\n<style>\n"
                + "body { font-family: sans-serif; margin: 1.5em; }\n"
                + "table { border-collapse: collapse; }\n"
                + "td, th { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }\n"
                + "img.pixels { image-rendering: pixelated; }\n"
                + "figure { margin: 1em 0; }\n"
                + "</style>\n</head>\n<body>\n";
    }

    static String tail() {
        return "</body>\n</html>\n";
    }
}
